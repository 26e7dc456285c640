"""Reporting through lower plans, three levels deep (province → commune → its schools; see
tests/rollup_world.py): the commune reports on its own tasks, pre-filled from its schools'
approved reports; the province's monitoring and consolidation roll its tasks up from the
commune's child tasks by the rule of chiso.reporting.rollup; a commune without a plan of its own
reports directly; `chiso monitor` prints the same figures; query counts stay flat."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from chiso.reporting import services
from chiso.reporting.consolidation import consolidate
from chiso.reporting.models import TaskStatus
from chiso.reporting.monitoring import round_monitoring
from chiso.reporting.rollup import report_lines, roll_up_status, roll_up_value
from chiso.reporting.upward import prefill_from_lower_round
from chiso.units.models import Unit
from tests.rollup_world import build_tree, commune_round, numbers, province_round, send
from tests.test_reporting_world import TZ

pytestmark = pytest.mark.django_db
DONE, PROGRESS, LATE, NA, NOT = (
    TaskStatus.DONE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.OVERDUE,
    TaskStatus.NOT_APPLICABLE,
    TaskStatus.NOT_STARTED,
)
YEAR = 2026
TODAY = dt.date(YEAR, 6, 20)


def at(day: str, hour: int = 9) -> dt.datetime:
    d, m = (int(x) for x in day.split("/"))
    return dt.datetime(YEAR, m, d, hour, tzinfo=TZ)


# ---------------------------------------------------------------------------------------------
# The rule, as plain functions


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([DONE, DONE], "done"),
        ([DONE, NA], "done"),
        ([NA, NA], "not_applicable"),
        ([DONE, LATE, PROGRESS], "overdue"),
        ([DONE, PROGRESS], "in_progress"),
        ([DONE, NOT], "in_progress"),
        ([NOT, NOT], "not_started"),
        ([None, "no_data"], "no_data"),
        ([DONE, None], "in_progress"),  # a child without data keeps the upper task from being done
        ([], "no_data"),
    ],
)
def test_roll_up_status(statuses, expected):
    assert roll_up_status(statuses) == expected
    assert roll_up_status(iter(statuses)) == expected


def test_roll_up_value_sums_counts_and_averages_shares():
    from chiso.plans.models import Task

    share = Task(target_op=">=", target_value=Decimal(95), target_unit="%")
    count = Task(target_op=">=", target_value=Decimal(1), target_unit="cuộc")
    plain = Task()
    assert roll_up_value(share, [(share, Decimal(97)), (share, Decimal("90.5"))]) == Decimal("93.75")
    assert roll_up_value(count, [(count, Decimal(1)), (count, Decimal(2)), (plain, Decimal(9))]) == 3
    assert roll_up_value(plain, [(share, Decimal(90)), (share, Decimal(91))]) == Decimal(
        "90.50"
    )  # children's %
    assert roll_up_value(share, [(share, None)]) is None


def test_report_lines_keep_upper_order_and_tasks_not_broken_down():
    from chiso.plans.models import Task

    lower = [Task(pk=11, parent_task_id=1), Task(pk=12, parent_task_id=3), Task(pk=13, parent_task_id=1)]
    lower.append(Task(pk=14, parent_task_id=None))
    assert report_lines([1, 2, 3], {2}, lower) == [
        (11, False, 1),
        (13, False, 1),
        (2, True, None),
        (12, False, 3),
        (14, True, None),
    ]


# ---------------------------------------------------------------------------------------------
# Three levels


@pytest.fixture
def tree(tuyen_quang, commune, other_commune):
    return build_tree(tuyen_quang, commune, other_commune, YEAR, dt.date(YEAR, 2, 10))


@pytest.fixture
def played(tree):
    """Round 1 played: schools → commune A (pre-filled) → province; commune B directly."""
    rnd = province_round(tree, dt.date(YEAR, 5, 31), dt.date(YEAR, 6, 10))
    lower_round = commune_round(tree, rnd, dt.date(YEAR, 6, 3))
    a_user, province_user = tree.users["a"], tree.users["province"]
    s1, s2 = tree.schools
    send(
        tree.users[s1.name],
        lower_round,
        s1,
        {
            "C1a": (DONE, "97", "Một cửa trường 1"),
            "C2a": (DONE, "1", "Họp phụ huynh"),
            "C2b": (PROGRESS, "0", ""),
        },
        at("02/06"),
        approver=a_user,
    )
    send(
        tree.users[s2.name],
        lower_round,
        s2,
        {
            "C1a": (DONE, "93", "Một cửa trường 2"),
            "C2a": (DONE, "1", "Họp phụ huynh"),
            "C2b": (DONE, "1", "Đã họp"),
        },
        at("03/06"),
        approver=a_user,
    )
    report_a = services.open_report(a_user, rnd, tree.a, now=at("05/06"))
    prefilled = {p.task.number: p for p in report_a.progress.select_related("task")}
    report_a = services.save_report(
        a_user,
        report_a,
        {
            "version": report_a.version,
            "results": "Xã đã triển khai kế hoạch của xã.",
            "tasks": {
                prefilled["C1b"].task_id: {"status": DONE, "achieved_value": "90", "work_done": "Đất đai"},
                prefilled["T3"].task_id: {"status": DONE, "work_done": "Đã niêm yết"},
                prefilled["C4a"].task_id: {"status": DONE, "work_done": "Quyết định số 5"},
                prefilled["C4b"].task_id: {"status": PROGRESS, "work_done": "Chưa tập huấn xong"},
                prefilled["C5"].task_id: {"status": DONE, "work_done": "Mô hình đã ra mắt"},
            },
        },
        now=at("05/06"),
    )
    report_a = services.submit_report(a_user, report_a, report_a.version, now=at("05/06"))
    services.approve_report(province_user, report_a, now=at("08/06"))
    send(
        tree.users["b"],
        rnd,
        tree.b,
        {
            "T1": (DONE, "96", "B một cửa"),
            "T2": (DONE, "2", "B đối thoại"),
            "T3": (PROGRESS, "", "B đang làm"),
            "T4": (NA, "", ""),
        },
        at("09/06"),
        approver=province_user,
    )
    return rnd, lower_round, report_a


def test_commune_reports_on_its_own_tasks_pre_filled_from_its_schools(tree, played):
    rnd, lower_round, report_a = played
    assert report_a.lower_plan == tree.lower
    # Grouped under the upper tasks: T3 was not broken down; C5 is the commune's own task, last.
    assert numbers(report_a) == ["C1a", "C1b", "C2a", "C2b", "T3", "C4a", "C4b", "C5"]
    first = report_a.versions.get(number=1).data["tasks"]
    by_number = {t["number"]: t for t in first}
    # Pre-filled from the schools' approved reports: C1a mean of 97 and 93, C2a sum, C2b not all done.
    assert (by_number["C1a"]["status"], Decimal(by_number["C1a"]["achieved_value"])) == ("done", Decimal(95))
    assert "Trường Tiểu học Một: Một cửa trường 1" in by_number["C1a"]["work_done"]
    assert (by_number["C2a"]["status"], Decimal(by_number["C2a"]["achieved_value"])) == ("done", Decimal(2))
    assert (by_number["C2b"]["status"], Decimal(by_number["C2b"]["achieved_value"])) == (
        "in_progress",
        Decimal(1),
    )
    # Commune B, without a plan of its own, reports on the province's tasks.
    report_b = rnd.reports.get(unit=tree.b)
    assert report_b.lower_plan is None and numbers(report_b) == ["T1", "T2", "T3", "T4"]


def test_province_monitoring_rolls_up_from_the_child_statuses(tree, played):
    rnd = played[0]
    m = round_monitoring(rnd, TODAY)
    t = tree.upper_tasks
    a, b = tree.a.pk, tree.b.pk
    # A: T1 ← C1a done, C1b done → done; T2 ← C2a done, C2b in progress → in progress; T3 direct
    # done; T4 ← C4a done, C4b in progress past its 30/4 due date (overdue) → overdue.
    # B directly: T1 done, T2 done, T3 in progress past 31/3 → overdue, T4 not applicable.
    assert {n: m.pair_status[(a, t[n].pk)] for n in t} == {
        "T1": "done",
        "T2": "in_progress",
        "T3": "done",
        "T4": "overdue",
    }
    assert {n: m.pair_status[(b, t[n].pk)] for n in t} == {
        "T1": "done",
        "T2": "done",
        "T3": "overdue",
        "T4": "not_applicable",
    }
    assert (m.counts.done, m.counts.in_progress, m.counts.overdue, m.counts.not_applicable) == (4, 1, 2, 1)
    assert m.counts.total == 8 and m.counts.done_pct == round(4 * 100 / 7, 1)
    rows = {r.unit.pk: r for r in m.units}
    assert rows[a].via_lower_plan and rows[a].lower_plan_label == "3/KH-UBND" and not rows[b].via_lower_plan
    assert (rows[a].counts.done, rows[a].counts.overdue) == (2, 1)
    nodes = {n.task.number: n for n in m.unit_tasks(a)}
    assert [(c.number, s) for c, s in nodes["T4"].children] == [("C4a", "done"), ("C4b", "overdue")]
    assert nodes["T3"].children == []
    assert all(not n.children for n in m.unit_tasks(b))


def test_province_consolidation_rolls_up_from_the_child_rows(tree, played):
    c = consolidate(played[0], TODAY)
    lines = {line.task.number: line for line in c.tasks}
    entry = {n: {e.unit.pk: e for e in line.entries} for n, line in lines.items()}
    a, b = tree.a.pk, tree.b.pk
    # T1: A mean(95, 90) = 92.50 (below 95), B 96; the province's value is the mean of the units'.
    assert (entry["T1"][a].status, entry["T1"][a].achieved_value, entry["T1"][a].meets_target) == (
        "done",
        Decimal("92.50"),
        False,
    )
    assert lines["T1"].done_label == "2/2" and lines["T1"].value == Decimal("94.25") and lines["T1"].met == 1
    # T2: A 2 + 1 = 3 cuộc, in progress (C2b); B 2: sum 5.
    assert (entry["T2"][a].status, entry["T2"][a].achieved_value) == ("in_progress", 3)
    assert lines["T2"].done_label == "1/2" and lines["T2"].value == 5 and lines["T2"].met == 2
    # T3: A on the task itself. T4: A's reported statuses (done, in progress) → in progress; B n/a.
    assert not entry["T3"][a].children and entry["T3"][a].status == "done"
    assert entry["T4"][a].status == "in_progress" and lines["T4"].done_label == "0/1"
    assert (c.done, c.applicable) == (4, 7)
    # Traceable: the rolled entry keeps the child rows and their ids.
    children = entry["T1"][a].children
    assert [k.task.number for k in children] == ["C1a", "C1b"]
    assert set(lines["T1"].source_progress_ids) == {k.progress_id for k in children} | {
        entry["T1"][b].progress_id
    }
    work = entry["T1"][a].work_done
    assert work.startswith("C1a: Trường Mầm non Hai: Một cửa trường 2") and "\nC1b: Đất đai" in work


def test_monitor_command_prints_the_monitoring_figures(tree, played):
    rnd = played[0]
    out = io.StringIO()
    call_command(
        "monitor", "7/KH-UBND", "--issuer", "UBND tỉnh Tuyên Quang", "--round", "1", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    m = round_monitoring(rnd)
    assert data["plan"] == "7/KH-UBND" and data["round"] == 1
    assert (data["expected"], data["submitted"], data["on_time"], data["late"], data["missing"]) == (
        m.totals.expected,
        m.totals.submitted,
        m.totals.on_time,
        m.totals.late + m.totals.grace,
        m.totals.missing,
    )
    units = {u["unit"]: u for u in data["units"]}
    a, b = units[tree.a.name], units[tree.b.name]
    assert a["via_lower_plan"] is True and b["via_lower_plan"] is False
    assert a["state"] == "approved" and a["timeliness"] == "on_time"
    t4 = next(t for t in a["tasks"] if t["task"].startswith("T4"))
    assert [c["status"] for c in t4["children"]] == [
        "done",
        m.child_status[(tree.a.pk, tree.child_tasks["C4b"].pk)],
    ]
    assert all(t["children"] == [] for t in b["tasks"])
    with pytest.raises(CommandError, match="không có kỳ báo cáo số 9"):
        call_command("monitor", "7/KH-UBND", "--issuer", "UBND tỉnh Tuyên Quang", "--round", "9", "--json")


def test_drill_down_pages_show_the_child_tasks_and_their_evidence(tree, played):
    rnd, _lower, report_a = played
    client = Client()
    client.force_login(tree.users["province"])
    t4 = tree.upper_tasks["T4"]
    page = client.get(reverse("reporting-round-task", args=[rnd.pk, t4.pk])).content.decode()
    assert 'data-child-task="C4b"' in page and "Tập huấn tổ an ninh" in page and "Chưa tập huấn xong" in page
    unit_page = client.get(reverse("reporting-round-unit", args=[rnd.pk, tree.a.pk])).content.decode()
    assert 'data-child-task="C1a"' in unit_page and "3/KH-UBND" in unit_page
    monitoring = client.get(reverse("reporting-round", args=[rnd.pk])).content.decode()
    assert f'data-unit="{tree.a.name}" data-timeliness="on_time" data-via-lower-plan="1"' in monitoring


def test_api_gives_the_same_roll_up(tree, played):
    rnd, lower_round, report_a = played
    client = Client()
    client.force_login(tree.users["province"])
    data = client.get(f"/api/reporting/rounds/{rnd.pk}/monitoring/").json()
    units = {u["unit"]: u for u in data["units"]}
    a = units[tree.a.pk]
    assert (
        a["via_lower_plan"] is True
        and a["lower_plan"] == tree.lower.pk
        and not units[tree.b.pk]["via_lower_plan"]
    )
    t1 = next(t for t in a["tasks"] if t["task"] == tree.upper_tasks["T1"].pk)
    assert t1["status"] == "done" and [c["task"] for c in t1["children"]] == [
        tree.child_tasks["C1a"].pk,
        tree.child_tasks["C1b"].pk,
    ]
    report = client.get(f"/api/reporting/reports/{report_a.pk}/").json()
    assert report["lower_plan"] == tree.lower.pk
    commune = Client()
    commune.force_login(tree.users["a"])
    assert commune.get(f"/api/reporting/rounds/{lower_round.pk}/").json()["upper_round"] == rnd.pk
    response = commune.post(
        "/api/reporting/rounds/",
        {
            "plan": tree.lower.pk,
            "title": "Kỳ bổ sung",
            "period_start": "01/01/2026",
            "period_end": "31/05/2026",
            "opens_on": "11/05/2026",
            "due_on": "12/06/2026",
            "locks_on": "15/06/2026",
            "coordinator_due_on": "15/06/2026",
            "upper_round": rnd.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "due_on" in response.json()["errors"]


def test_lower_round_due_dates_come_before_the_upper_ones(tree):
    rnd = province_round(tree, dt.date(YEAR, 5, 31), dt.date(YEAR, 6, 10))
    with pytest.raises(ValidationError) as exc:
        commune_round(tree, rnd, dt.date(YEAR, 6, 10))
    assert (
        "due_on" in exc.value.message_dict
        and "(10/06/2026) phải trước hạn báo cáo của đơn vị lên cấp trên"
        in exc.value.message_dict["due_on"][0]
    )
    assert "coordinator_due_on" in exc.value.message_dict
    other = services.create_round(
        None,
        tree.lower,
        {
            "title": "Kỳ riêng của xã",
            "period_start": "01/01/2026",
            "period_end": "31/05/2026",
            "opens_on": "01/05/2026",
            "due_on": "03/06/2026",
            "locks_on": "08/06/2026",
            "coordinator_due_on": "08/06/2026",
        },
    )
    with pytest.raises(ValidationError) as exc:
        commune_round(tree, other, dt.date(YEAR, 6, 1))  # a round of the commune's own plan
    assert "upper_round" in exc.value.message_dict
    assert other.upper_round is None


def test_without_a_plan_in_force_the_unit_reports_on_the_upper_tasks(tree, played):
    """An approved report is never pre-filled again; once the commune's plan is replaced (no plan
    in force), its next report is on the province's tasks."""
    rnd, lower_round, report_a = played
    report_a.refresh_from_db()
    assert prefill_from_lower_round(report_a) == 0  # approved: read-only
    second = province_round(tree, dt.date(YEAR, 11, 30), dt.date(YEAR, 12, 7))
    tree.lower.state = "replaced"
    tree.lower.save(update_fields=["state"])
    report = services.open_report(tree.users["a"], second, tree.a, now=at("02/12"))
    assert report.lower_plan is None and numbers(report) == ["T1", "T2", "T3", "T4"]


# ---------------------------------------------------------------------------------------------
# Query counts stay flat with units, tasks and child tasks


def add_lower_plans(data, children_per_task: int) -> None:
    """Every commune of a synthetic province gets an issued lower plan breaking each task down, and
    its round-1 report moves onto the child tasks (bulk, for the count only)."""
    from chiso.plans.models import Plan, PlanState, Task
    from chiso.reporting.models import TaskProgress, UnitReport

    tasks = list(data.plan.tasks.order_by("position"))
    communes = [u for u in data.units if u.kind == "commune"]
    plans = Plan.objects.bulk_create(
        Plan(
            issuer=u,
            title=f"Kế hoạch {u.name}",
            year_from=data.plan.year_from,
            year_to=data.plan.year_to,
            upper_plan=data.plan,
            state=PlanState.ISSUED,
            number=str(i + 1),
            issued_on=data.plan.issued_on,
            number_year=data.plan.year_from,
        )
        for i, u in enumerate(communes)
    )
    children = Task.objects.bulk_create(
        Task(
            plan=p,
            position=k,
            text=f"{t.text} ({j})",
            number=f"{t.number}.{j}",
            parent_task=t,
            due_on=t.due_on,
        )
        for p in plans
        for k, (t, j) in enumerate(((t, j) for t in tasks for j in range(children_per_task)), start=1)
    )
    by_plan: dict = {}
    for child in children:
        by_plan.setdefault((child.plan_id, child.parent_task_id), []).append(child)
    reports = UnitReport.objects.filter(round=data.rounds[0], unit__in=communes)
    plan_of = {p.issuer_id: p for p in plans}
    rows = []
    for report in reports:
        plan = plan_of[report.unit_id]
        for p in TaskProgress.objects.filter(report=report):
            rows += [
                TaskProgress(report=report, task=c, status=p.status) for c in by_plan[(plan.pk, p.task_id)]
            ]
        TaskProgress.objects.filter(report=report).delete()
        report.lower_plan = plan
        report.save(update_fields=["lower_plan"])
    TaskProgress.objects.bulk_create(rows)


@pytest.mark.parametrize(("communes", "departments", "tasks", "children"), [(4, 2, 10, 1), (20, 6, 40, 3)])
def test_query_count_stays_flat_with_lower_plans(
    db, django_assert_num_queries, communes, departments, tasks, children
):
    from chiso.reporting.synthetic import build_synthetic
    from chiso.units.models import Role
    from tests.test_reporting_pages import CONSOLIDATION_QUERIES, MONITORING_QUERIES
    from tests.test_reporting_world import quick_user

    data = build_synthetic(communes=communes, departments=departments, tasks=tasks, tag=f"r{communes}")
    add_lower_plans(data, children)
    user = quick_user(f"rcoord{communes}", data.province, Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    rnd = data.rounds[0]
    client.get(reverse("reporting-round", args=[rnd.pk]))
    with django_assert_num_queries(MONITORING_QUERIES):
        page = client.get(reverse("reporting-round", args=[rnd.pk]))
    assert page.status_code == 200 and 'data-via-lower-plan="1"' in page.content.decode()
    with django_assert_num_queries(CONSOLIDATION_QUERIES):
        assert client.get(reverse("reporting-consolidation", args=[rnd.pk])).status_code == 200
    m = round_monitoring(rnd)
    commune = next(u for u in data.units if u.kind == "commune")
    assert m.unit_row(commune.pk).via_lower_plan
    assert all(len(node.children) == children for node in m.unit_tasks(commune.pk))
    assert Unit.objects.filter(pk=commune.pk).exists()
