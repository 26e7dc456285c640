"""The three-level test world (no tests here): province → commune → its schools.

- Tỉnh Tuyên Quang issues plan 7/KH-UBND with four tasks, each led by two communes, A (Xã Vị
  Xuyên) and B (another commune):
  T1 "≥ 95 % hồ sơ đúng hạn" (%), T2 "ít nhất 2 cuộc đối thoại" (cuộc), T3 due 31/3, T4 continuous.
- Commune A issues its implementing plan 3/KH-UBND (from the cascade): T1 → C1a, C1b (≥ 95 %);
  T2 → C2a, C2b (≥ 1 cuộc); T3 not broken down (so A reports on T3 itself); T4 → C4a, C4b (C4b
  due 30/4); and its own task C5. Its two schools, S1 and S2, take part in C1a, C2a and C2b.
- Commune B has no plan of its own: it reports on T1–T4 directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from chiso.core.workdays import add_working_days, next_working_day
from chiso.plans import services as plan_services
from chiso.plans.cascade import cascade_plan
from chiso.plans.models import Plan, Task
from chiso.reporting import services
from chiso.reporting.models import ReportingRound, UnitReport
from chiso.units.models import Role, Unit
from tests.test_reporting_world import quick_user


@dataclass
class Tree:
    province: Unit
    a: Unit
    b: Unit
    schools: list[Unit]
    plan: Plan
    lower: Plan
    upper_tasks: dict[str, Task]
    child_tasks: dict[str, Task]
    users: dict[str, object] = field(default_factory=dict)


UPPER = [
    ("T1", "Giải quyết thủ tục hành chính đúng hạn", "≥ 95% hồ sơ đúng hạn", ">=", "95", "%", "Thường xuyên"),
    ("T2", "Tổ chức đối thoại với người dân", "Ít nhất 02 cuộc", ">=", "2", "cuộc", "Thường xuyên"),
    ("T3", "Niêm yết công khai danh sách hộ nghèo", "Theo kế hoạch", "", "", "", "Trước ngày 31/3/{year}"),
    ("T4", "Duy trì tổ an ninh, trật tự ở cơ sở", "Theo kế hoạch", "", "", "", "Thường xuyên"),
]
# (number, upper, text, target, op, value, unit, timeframe, schools take part)
CHILDREN = [
    (
        "C1a",
        "T1",
        "Hồ sơ tại Bộ phận Một cửa xã đúng hạn",
        "≥ 95% hồ sơ",
        ">=",
        "95",
        "%",
        "Thường xuyên",
        True,
    ),
    ("C1b", "T1", "Hồ sơ đất đai đúng hạn", "≥ 95% hồ sơ", ">=", "95", "%", "Thường xuyên", False),
    (
        "C2a",
        "T2",
        "Đối thoại với phụ huynh học sinh",
        "Ít nhất 01 cuộc",
        ">=",
        "1",
        "cuộc",
        "Thường xuyên",
        True,
    ),
    ("C2b", "T2", "Đối thoại với hộ kinh doanh", "Ít nhất 01 cuộc", ">=", "1", "cuộc", "Thường xuyên", True),
    ("C4a", "T4", "Ra quyết định kiện toàn tổ an ninh", "Theo kế hoạch", "", "", "", "Thường xuyên", False),
    ("C4b", "T4", "Tập huấn tổ an ninh", "Theo kế hoạch", "", "", "", "Trước ngày 30/4/{year}", False),
    ("C5", None, "Xây dựng mô hình dân vận khéo", "Theo kế hoạch", "", "", "", "Năm {year}", False),
]


def build_tree(province: Unit, a: Unit, b: Unit, year: int, issued_on: dt.date) -> Tree:
    schools = []
    for name in ("Trường Tiểu học Một", "Trường Mầm non Hai"):
        school = Unit(parent=a, name=name, kind="school", valid_from=dt.date(2025, 7, 1))
        school.save()
        schools.append(school)
    plan = plan_services.create_plan(
        None, province, {"title": f"Cải thiện Chỉ số PAPI năm {year}", "year_from": year, "year_to": year}
    )
    for number, text, target, op, value, unit, timeframe in UPPER:
        plan_services.add_task(
            None,
            plan,
            {
                "group_code": number[1],
                "group_title": f"Nhóm {number[1]}",
                "number": number,
                "text": text,
                "target_text": target,
                "target_op": op,
                "target_value": value,
                "target_unit": unit,
                "timeframe_text": timeframe.format(year=year),
                "leads": [f"unit:{a.pk}", f"unit:{b.pk}"],
            },
        )
    plan.refresh_from_db()
    plan = plan_services.issue_plan(
        None, plan, version=plan.version, issued_on=issued_on, number_symbol="7/KH-UBND"
    )
    upper = {t.number: t for t in plan.tasks.all()}

    # Commune A concretises the draft the cascade gave it, then issues it.
    cascade_plan(None, plan, [a.pk])
    lower = Plan.objects.get(upper_plan=plan, issuer=a)
    copies = {t.parent_task.number: t for t in lower.tasks.select_related("parent_task")}
    plan_services.delete_task(None, copies["T3"], copies["T3"].version)
    children = {}
    for number, parent, text, target, op, value, unit, timeframe, with_schools in CHILDREN:
        data = {
            "number": number,
            "text": text,
            "target_text": target,
            "target_op": op,
            "target_value": value,
            "target_unit": unit,
            "timeframe_text": timeframe.format(year=year),
            "leads": [f"unit:{a.pk}"],
            "partners": [f"unit:{s.pk}" for s in schools] if with_schools else [],
            "parent_task": upper[parent].pk if parent else "",
        }
        copy = copies.pop(parent, None) if number.endswith("a") else None
        if copy is not None:
            children[number] = plan_services.update_task(None, copy, {**data, "version": copy.version})
        else:
            children[number] = plan_services.add_task(None, lower, data)
    lower.refresh_from_db()
    lower = plan_services.issue_plan(
        None,
        lower,
        version=lower.version,
        issued_on=min(issued_on + dt.timedelta(days=14), timezone.localdate()),
        number_symbol="3/KH-UBND",
    )
    tree = Tree(province, a, b, schools, plan, lower, upper, children)
    tree.users = {
        "province": quick_user("rw.tinh", province, Role.COORDINATOR),
        "a": quick_user("rw.xa", a, Role.COORDINATOR),
        "b": quick_user("rw.xab", b, Role.OFFICER),
        **{s.name: quick_user(f"rw.s{i}", s, Role.OFFICER) for i, s in enumerate(schools)},
    }
    return tree


def province_round(tree: Tree, period_end: dt.date, due_on: dt.date) -> ReportingRound:
    lock = add_working_days(due_on, 7)
    return services.create_round(
        None,
        tree.plan,
        {
            "title": "Báo cáo 6 tháng",
            "kind": "six_monthly",
            "period_start": dt.date(period_end.year, 1, 1),
            "period_end": period_end,
            "opens_on": period_end - dt.timedelta(days=20),
            "due_on": due_on,
            "locks_on": lock,
            "coordinator_due_on": lock,
        },
    )


def commune_round(tree: Tree, upper: ReportingRound, due_on: dt.date) -> ReportingRound:
    """The commune's own round for its schools, feeding the province's round."""
    coordinator_due = next_working_day(due_on + dt.timedelta(days=1), strict=False)
    return services.create_round(
        None,
        tree.lower,
        {
            "title": "Báo cáo 6 tháng của các trường",
            "kind": "six_monthly",
            "period_start": upper.period_start,
            "period_end": upper.period_end,
            "opens_on": upper.opens_on,
            "due_on": due_on,
            "locks_on": coordinator_due,
            "coordinator_due_on": coordinator_due,
            "upper_round": upper.pk,
        },
    )


def send(user, rnd: ReportingRound, unit: Unit, rows: dict[str, tuple], when: dt.datetime, approver=None):
    """Open, fill (task number → (status, value, work)), send and, with `approver`, approve."""
    report = services.open_report(user, rnd, unit, now=when)
    tasks = {}
    for p in report.progress.select_related("task"):
        if p.task.number in rows:
            status, value, work = rows[p.task.number]
            tasks[p.task_id] = {"status": status, "achieved_value": value, "work_done": work}
    report = services.save_report(
        user,
        report,
        {"version": report.version, "results": f"Kết quả của {unit.name}.", "tasks": tasks},
        now=when,
    )
    report = services.submit_report(user, report, report.version, now=when)
    if approver is not None:
        report = services.approve_report(approver, report, now=when + dt.timedelta(hours=2))
    return report


def numbers(report: UnitReport) -> list[str]:
    return [p.task.number for p in report.progress.select_related("task").order_by("id")]
