"""The reporting test world (no tests here): a district plan of 40 tasks, 12 units, two rounds.

- Huyện Thử Nghiệm issues plan 12/KH-UBND for 2022 under an 8-dimension index; dimension d has
  tasks d.1 … d.5:
  d.1 "≥ 95% hồ sơ đúng hạn": led by department (d-1) % 4, with every commune as partner;
  d.2 "ít nhất 01 đợt/năm": the communes (a group);
  d.3 due 31/3/2022, d.4 due 31/12/2022 (Quý IV), d.5 continuous: the department alone.
  So each department has 8 tasks (two dimensions), each commune 16 (x.1 and x.2).
- 4 departments and 8 communes; Xã Tám is merged away on 30/6/2022 (not expected in the yearly
  round). Each unit has one officer with e-mail; Phòng Một has a second officer without.
- Rounds generated Mộc Châu style (year from 1/12, units +5 days, coordinator +5, 2 working days
  of grace): round 1 "6 tháng" 01/12/2021–31/5/2022, due 06/6, grace 08/6, lock 10/6;
  round 2 "năm" 01/12/2021–30/11/2022, due 05/12, grace 07/12, lock 12/12.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from chiso.plans import services as plan_services
from chiso.plans.models import Plan, UnitGroup
from chiso.reporting import services
from chiso.reporting.models import ReportingRound, TaskStatus, UnitReport
from chiso.reporting.rounds import Schedule, generate_for_plan
from chiso.units.models import Membership, Role, Unit
from tests.test_plans_support import criterion, make_framework

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEDULE = Schedule(year_start=(12, 1), unit_days=5, coordinator_days=5, grace_working_days=2)
DEPARTMENTS = ["Phòng Một", "Phòng Hai", "Phòng Ba", "Phòng Bốn"]
COMMUNES = ["Xã Một", "Xã Hai", "Xã Ba", "Xã Bốn", "Xã Năm", "Xã Sáu", "Xã Bảy", "Xã Tám"]
TARGETS = {
    1: ("Có ít nhất 95% hồ sơ giải quyết đúng hạn", "Thường xuyên"),
    2: ("Ít nhất 01 đợt/năm", "Thường xuyên"),
    3: ("Theo kế hoạch của huyện", "Trước ngày 31/3/{year}"),
    4: ("Theo kế hoạch của huyện", "Quý IV/{year}"),
    5: ("Theo kế hoạch của huyện", "Thường xuyên"),
}


def at(day: str, hour: int = 9) -> dt.datetime:
    """ "06/06/2022" → 9:00 that day in Vietnam."""
    d, m, y = (int(x) for x in day.split("/"))
    return dt.datetime(y, m, d, hour, tzinfo=TZ)


@dataclass
class World:
    district: Unit
    departments: list[Unit]
    communes: list[Unit]
    plan: Plan
    rounds: list[ReportingRound]
    coordinator: object
    officers: dict[str, object]
    extra_officer: object
    tasks: dict[str, object] = field(default_factory=dict)

    def unit(self, name: str) -> Unit:
        return next(u for u in self.departments + self.communes if u.name == name)

    def officer(self, unit_name: str):
        return self.officers[unit_name]


def quick_user(username: str, unit: Unit, role: str, email: str = ""):
    """A user without a password (hashing one costs ~0.4 s); tests sign in with force_login."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username=username, email=email)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_world(version=None, year: int = 2022) -> World:
    province = Unit.objects.get(ref="vn-pre2025:province:02")
    district = Unit(
        parent=province,
        name="Huyện Thử Nghiệm",
        kind="district",
        valid_from=dt.date(2000, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    district.save()
    departments = []
    for name in DEPARTMENTS:
        unit = Unit(parent=district, name=name, kind="department", valid_from=dt.date(2000, 1, 1))
        unit.save()
        departments.append(unit)
    communes = []
    for name in COMMUNES:
        valid_to = dt.date(year, 6, 30) if name == "Xã Tám" else None
        unit = Unit(
            parent=district, name=name, kind="commune", valid_from=dt.date(2000, 1, 1), valid_to=valid_to
        )
        unit.save()
        communes.append(unit)
    group = UnitGroup.objects.create(owner=district, name="UBND các xã", member_kinds="commune", depth=1)
    version = version or make_framework("PAPITEST", dimensions=8, subdimensions=1)
    plan = plan_services.create_plan(
        None,
        district,
        {
            "title": f"Nâng cao Chỉ số PAPI năm {year}",
            "year_from": year,
            "year_to": year,
            "place": "Thử Nghiệm",
            "frameworks": [version.pk],
            "signer_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
        },
    )
    for d in range(1, 9):
        department = departments[(d - 1) % 4]
        for j in range(1, 6):
            target, timeframe = TARGETS[j]
            if j == 1:
                leads, partners = [f"unit:{department.pk}"], [f"group:{group.pk}"]
            elif j == 2:
                leads, partners = [f"group:{group.pk}"], []
            else:
                leads, partners = [f"unit:{department.pk}"], []
            plan_services.add_task(
                None,
                plan,
                {
                    "group_code": str(d),
                    "group_title": f"Chỉ số nội dung {d}",
                    "number": f"{d}.{j}",
                    "text": f"Nhiệm vụ {d}.{j}",
                    "target_text": target,
                    "timeframe_text": timeframe.format(year=year),
                    "criteria": [criterion(version, f"{d}.1").pk],
                    "leads": leads,
                    "partners": partners,
                },
            )
    plan.refresh_from_db()
    plan = plan_services.issue_plan(
        None, plan, version=plan.version, issued_on=dt.date(year, 2, 15), number_symbol="12/KH-UBND"
    )
    rounds = services.create_rounds(None, plan, generate_for_plan(plan, "six_monthly", SCHEDULE))
    coordinator = quick_user("ndv", district, Role.COORDINATOR, email="ndv@example.org")
    officers = {}
    for index, unit in enumerate(departments + communes, start=1):
        officers[unit.name] = quick_user(f"cb{index}", unit, Role.OFFICER, email=f"cb{index}@example.org")
    extra = quick_user("cb1b", departments[0], Role.OFFICER)
    world = World(district, departments, communes, plan, rounds, coordinator, officers, extra)
    world.tasks = {t.number: t for t in plan.tasks.all()}
    return world


def live_round(world: World) -> ReportingRound:
    """A round open today (for pages and the browser, which run on the real clock)."""
    from django.utils import timezone

    from chiso.core.workdays import add_working_days, next_working_day

    today = timezone.localdate()
    due = next_working_day(today + dt.timedelta(days=7))
    lock = add_working_days(due, 3)
    return services.create_round(
        None,
        world.plan,
        {
            "title": f"Báo cáo kiểm thử {today:%d/%m/%Y}",
            "kind": "custom",
            "period_start": dt.date(today.year, 1, 1),
            "period_end": today,
            "opens_on": today - dt.timedelta(days=7),
            "due_on": due,
            "locks_on": lock,
            "coordinator_due_on": lock,
        },
    )


def fill(
    world: World, report: UnitReport, rule, now: dt.datetime, results: str = "Đã triển khai kế hoạch."
) -> UnitReport:
    """Save a report with rule(task number) → (status, value, work done) for each of its tasks."""
    tasks = {}
    for p in report.progress.select_related("task"):
        status, value, work = rule(p.task.number)
        tasks[p.task_id] = {"status": status, "achieved_value": value, "work_done": work}
    data = {
        "version": report.version,
        "results": results,
        "shortcomings": f"Hạn chế của {report.unit.name}.",
        "proposals": f"Đề xuất của {report.unit.name}.",
        "tasks": tasks,
    }
    return services.save_report(world.officer(report.unit.name), report, data, now=now)


def submit(
    world: World, rnd: ReportingRound, unit_name: str, rule, when: str, approve: bool = True
) -> UnitReport:
    unit = world.unit(unit_name)
    officer = world.officer(unit_name)
    moment = at(when)
    report = services.open_report(officer, rnd, unit, now=moment)
    report = fill(world, report, rule, moment)
    report = services.submit_report(officer, report, report.version, now=moment)
    if approve:
        report = services.approve_report(world.coordinator, report, now=moment + dt.timedelta(hours=2))
    return report


def all_done(value_1="98", value_2="2"):
    def rule(number: str):
        j = int(number.split(".")[1])
        value = value_1 if j == 1 else value_2 if j == 2 else ""
        return TaskStatus.DONE, value, f"Đã hoàn thành nhiệm vụ {number}."

    return rule


def except_(statuses: dict[int, str], value_1="98", value_2="2", in_progress_value="50"):
    """All done, except tasks d.j with j in `statuses` (value of j = 1 tasks in progress: 50)."""

    def rule(number: str):
        j = int(number.split(".")[1])
        status = statuses.get(j, TaskStatus.DONE)
        if j == 1:
            value = in_progress_value if status == TaskStatus.IN_PROGRESS else value_1
        elif j == 2:
            value = value_2
        else:
            value = ""
        return status, value, f"Nội dung {number}." if status != TaskStatus.NOT_STARTED else ""

    return rule


def per_task(values: dict[str, str], default="98"):
    """All done; j = 1 tasks get values[number] (else `default`)."""

    def rule(number: str):
        j = int(number.split(".")[1])
        value = values.get(number, default) if j == 1 else "2" if j == 2 else ""
        return TaskStatus.DONE, value, f"Đã hoàn thành {number}."

    return rule


def play_round_1(world: World) -> None:
    """Round 1 as the module docstring of test_reporting_figures tells it."""
    rnd = world.rounds[0]
    submit(world, rnd, "Phòng Một", per_task({"1.1": "96", "5.1": "97"}), "04/06/2022")
    submit(
        world,
        rnd,
        "Phòng Hai",
        lambda n: (
            (TaskStatus.IN_PROGRESS, "", "Đang làm.")
            if n.endswith(".3")
            else per_task({"2.1": "90", "6.1": "100"})(n)
        ),
        "06/06/2022",
    )
    submit(
        world,
        rnd,
        "Phòng Ba",
        lambda n: (
            (TaskStatus.NOT_STARTED, "", "") if n.endswith(".4") else per_task({"3.1": "95", "7.1": "95"})(n)
        ),
        "07/06/2022",
    )
    services.grant_extension(
        world.coordinator,
        rnd,
        world.unit("Phòng Bốn"),
        "09/06/2022",
        "Thay đổi nhân sự",
        now=at("05/06/2022"),
    )
    submit(
        world,
        rnd,
        "Phòng Bốn",
        lambda n: (
            (TaskStatus.NOT_APPLICABLE, "", "")
            if n.endswith(".5")
            else per_task({"4.1": "80", "8.1": "99"})(n)
        ),
        "09/06/2022",
    )
    for name in ("Xã Một", "Xã Hai", "Xã Ba"):
        submit(world, rnd, name, all_done("98", "2"), "01/06/2022")
    submit(world, rnd, "Xã Bốn", all_done("90", "1"), "01/06/2022")
    # Xã Năm: sent on time, returned for one task, sent again after the due date: awaiting approval.
    report = submit(world, rnd, "Xã Năm", all_done("98", "2"), "03/06/2022", approve=False)
    report = services.return_report(
        world.coordinator,
        report,
        "Thiếu minh chứng cho nhiệm vụ 1.1",
        [world.tasks["1.1"].pk],
        now=at("04/06/2022"),
    )
    officer = world.officer("Xã Năm")
    report = services.save_report(
        officer,
        report,
        {
            "version": report.version,
            "tasks": {world.tasks["1.1"].pk: {"work_done": "Đã bổ sung minh chứng."}},
        },
        now=at("08/06/2022"),
    )
    services.submit_report(officer, report, report.version, now=at("08/06/2022"))
    # Xã Sáu: late (after grace), approved: the 1.x tasks in progress at 50 %, the 2.x done at 3.
    submit(world, rnd, "Xã Sáu", except_({1: TaskStatus.IN_PROGRESS}, value_2="3"), "10/06/2022")
    # Xã Bảy: a draft only. Xã Tám: nothing.
    report = services.open_report(world.officer("Xã Bảy"), rnd, world.unit("Xã Bảy"), now=at("02/06/2022"))
    fill(world, report, all_done(), at("02/06/2022"))


def play_round_2(world: World) -> None:
    rnd = world.rounds[1]
    for name in DEPARTMENTS:
        rule = all_done("100")
        if name == "Phòng Ba":
            rule = except_({4: TaskStatus.IN_PROGRESS}, value_1="100")
        submit(world, rnd, name, rule, "01/12/2022")
    for name in ("Xã Một", "Xã Hai", "Xã Ba", "Xã Bốn", "Xã Năm"):
        submit(world, rnd, name, all_done("99", "2"), "01/12/2022")
    submit(world, rnd, "Xã Bảy", all_done("99", "2"), "09/12/2022")
