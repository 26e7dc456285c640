"""The demo's current-year province plan: the commune officer has a plan to draft and a report
due; the province coordinator has a report to approve; loading twice creates nothing new."""

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
    draft = lower["Xã Vị Xuyên"]
    assert draft.state == PlanState.DRAFT
    # Pre-filled with the tasks the communes' group was given, each linked to its upper task.
    assert (
        draft.tasks.count()
        == Task.objects.filter(plan=plan, assignments__group__isnull=False).distinct().count()
    )
    assert not draft.tasks.filter(parent_task__isnull=True).exists()


def test_commune_officer_has_a_plan_to_draft_and_a_report_due(demo):
    today = timezone.localdate()
    items = inbox(demo["users"]["demo.xa"])
    plan_items = [i for i in items if i.kind == "lower_plan" and i.plan.upper_plan.number == "58"]
    assert len(plan_items) == 1 and plan_items[0].unit.name == "Xã Vị Xuyên"
    assert plan_items[0].due_on > today
    reports = [i for i in items if i.kind == "report" and i.plan.number == "58"]
    assert len(reports) == 1 and reports[0].due_on > today and reports[0].state == "Chưa lập báo cáo"


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


def test_home_page_of_the_commune_officer_lists_the_plan_and_report(client, demo):
    client.force_login(demo["users"]["demo.xa"])
    content = client.get(reverse("home")).content.decode()
    assert "Kế hoạch thực hiện 58/KH-UBND" in content
    assert "Báo cáo kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI" in content
