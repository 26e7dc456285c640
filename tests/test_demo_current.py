"""The demo's current-year province plan: the commune officer's commune has issued its own
implementing plan and has a report due on its own tasks; the province coordinator has a report to
approve and sees the communes' tasks rolled up; loading twice creates nothing new."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.plans.demo import build_demo_plans, build_demo_province_plan
from chiso.plans.models import Plan, PlanState, Task
from chiso.reporting.demo import build_demo_current_reporting, build_demo_reporting
from chiso.reporting.inbox import inbox
from chiso.reporting.models import ReportingRound, ReportState, UnitReport
from chiso.units.demo import build_demo_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    world = build_demo_world()
    build_demo_plans()
    build_demo_reporting()
    build_demo_province_plan()
    build_demo_current_reporting()
    return world


def test_province_plan_is_issued_this_year_and_cascaded(demo):
    today = timezone.localdate()
    plan = Plan.objects.get(issuer=demo["province"], number="58", symbol="KH-UBND")
    assert plan.state == PlanState.ISSUED and plan.issued_on <= today and plan.issued_on.year == today.year
    assert str(today.year) in plan.title and "PAPI" in plan.title
    assert plan.frameworks.filter(framework__code="PAPI").exists()
    tasks = list(plan.tasks.all())
    assert 8 <= len(tasks) <= 10
    assert {t.group_code for t in tasks} == {str(d) for d in range(1, 9)}
    assert all(t.criteria.exists() for t in tasks)
    assert any(t.target_value is not None for t in tasks)
    assert plan.lower_plan_deadline() > today
    lower = {p.issuer.name: p for p in plan.lower_plans.select_related("issuer")}
    assert set(lower) == {"Sở Nội vụ", "Xã Vị Xuyên", "Phường Hà Giang 1", "Xã Thanh Thủy", "Xã Minh Tân"}
    draft = lower["Xã Minh Tân"]
    assert draft.state == PlanState.DRAFT
    # Pre-filled with the tasks the communes' group was given, each linked to its upper task.
    assert (
        draft.tasks.count()
        == Task.objects.filter(plan=plan, assignments__group__isnull=False).distinct().count()
    )
    assert not draft.tasks.filter(parent_task__isnull=True).exists()


def test_commune_has_issued_its_own_plan_and_a_report_due_on_it(demo):
    today = timezone.localdate()
    own = Plan.objects.get(issuer__name="Xã Vị Xuyên", upper_plan__number="58", upper_plan__issuer=demo["province"])
    assert own.state == PlanState.ISSUED and own.number_symbol == "05/KH-UBND"
    assert own.upper_plan.issued_on <= own.issued_on <= min(today, own.upper_plan.lower_plan_deadline())
    tasks = {t.number: t for t in own.tasks.select_related("parent_task")}
    assert tasks["5.1.1"].parent_task.number == tasks["5.1.2"].parent_task.number == "5.1"
    assert tasks["9.1"].parent_task is None  # a task of its own
    items = inbox(demo["users"]["demo.xa"])
    assert not [i for i in items if i.kind == "lower_plan" and i.plan.upper_plan.number == "58"]
    reports = [i for i in items if i.kind == "report" and i.plan.number == "58"]
    assert len(reports) == 1 and reports[0].due_on > today and reports[0].state == "Chưa lập báo cáo"
    # The report, once opened, lists the commune's own tasks under the province's.
    from chiso.reporting import services

    rnd = reports[0].round
    report = services.open_report(demo["users"]["demo.xa"], rnd, own.issuer)
    numbers = [p.task.number for p in report.progress.select_related("task").order_by("id")]
    assert report.lower_plan == own and "5.1.1" in numbers and "5.1.2" in numbers and "9.1" in numbers
    assert "5.1" not in numbers and "1.1" in numbers  # not broken down: the province's task itself


def test_other_reports_of_the_round(demo):
    rnd = ReportingRound.objects.get(plan__number="58", plan__issuer=demo["province"])
    states = dict(UnitReport.objects.filter(round=rnd).values_list("unit__name", "state"))
    assert states == {
        "Phường Hà Giang 1": ReportState.APPROVED,
        "Sở Nội vụ": ReportState.SUBMITTED,
        "Xã Thanh Thủy": ReportState.DRAFT,
    }
    assert rnd.due_on > timezone.localdate() >= rnd.opens_on


def test_building_twice_creates_nothing(demo):
    counts = (
        Plan.objects.count(),
        Task.objects.count(),
        ReportingRound.objects.count(),
        UnitReport.objects.count(),
    )
    build_demo_world()
    build_demo_plans()
    build_demo_reporting()
    build_demo_province_plan()
    build_demo_current_reporting()
    assert (
        Plan.objects.count(),
        Task.objects.count(),
        ReportingRound.objects.count(),
        UnitReport.objects.count(),
    ) == counts


def test_issue_date_is_never_after_today():
    from chiso.plans.demo import province_plan_issue_date

    for today in (dt.date(2026, 1, 1), dt.date(2026, 1, 5), dt.date(2026, 3, 16), dt.date(2026, 11, 22)):
        day = province_plan_issue_date(today)
        assert day <= today and day.year == today.year


def test_home_page_of_the_commune_officer_lists_the_report(client, demo):
    client.force_login(demo["users"]["demo.xa"])
    content = client.get(reverse("home")).content.decode()
    assert "Báo cáo kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI" in content


def test_province_monitoring_shows_the_roll_up_with_drill_down(client, demo):
    import io
    import json

    from django.core.management import call_command

    from chiso.reporting.monitoring import round_monitoring

    rnd = ReportingRound.objects.get(plan__number="58", plan__issuer=demo["province"])
    m = round_monitoring(rnd)
    rows = {r.unit.name: r for r in m.units}
    assert rows["Xã Vị Xuyên"].via_lower_plan and rows["Phường Hà Giang 1"].via_lower_plan
    assert not rows["Xã Thanh Thủy"].via_lower_plan
    # Phường Hà Giang 1's approved report is on its own tasks; 5.1 is rolled up from them.
    ward = rows["Phường Hà Giang 1"].unit
    node = next(n for n in m.unit_tasks(ward.pk) if n.task.number == "5.1")
    assert [c.number for c, _s in node.children] == ["5.1.1", "5.1.2"]
    from chiso.reporting.rollup import roll_up_status

    assert node.status == roll_up_status([s for _c, s in node.children]) != "no_data"
    client.force_login(demo["users"]["demo.tinh"])
    page = client.get(reverse("reporting-round", args=[rnd.pk])).content.decode()
    assert 'data-unit="Phường Hà Giang 1"' in page and 'data-via-lower-plan="1"' in page
    drill = client.get(reverse("reporting-round-task", args=[rnd.pk, node.task.pk])).content.decode()
    assert 'data-child-task="5.1.1"' in drill
    out = io.StringIO()
    call_command(
        "monitor", "58/KH-UBND", "--issuer", "UBND tỉnh Tuyên Quang", "--round", "1", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    units = {u["unit"]: u for u in data["units"]}
    assert units["Xã Vị Xuyên"]["via_lower_plan"] is True and data["expected"] == m.totals.expected
