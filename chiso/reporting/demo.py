"""Demo reporting on the Vị Xuyên 2021 plan (154/KH-UBND): two rounds, reports sent on time, late,
returned, awaiting approval and missing; initiatives and an inspection sample.

The plan asks for "báo cáo sơ kết kết quả thực hiện (trước ngày 15/9/2021)" and a yearly report.
Everything goes through the same service functions users go through, with the dates of 2021.
Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import zlib
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from chiso.plans.models import Plan
from chiso.reporting import initiatives, inspections, services
from chiso.reporting.expected import expected_for_round
from chiso.reporting.models import Inspection, ReportingRound, ReportState, TaskStatus

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAN_ISSUER_REF = "vn-pre2025:district:030"

# (unit name, day sent, what happens after) for the mid-year round; units not listed never send.
ROUND_1 = [
    ("Phòng Nội vụ", "10/09/2021", "approve"),
    ("Phòng Văn hóa và Thông tin", "13/09/2021", "approve"),
    ("Phòng Tư pháp", "14/09/2021", "approve"),
    ("Phòng Tài chính - Kế hoạch", "15/09/2021", "approve"),
    ("Phòng Y tế", "16/09/2021", "approve"),  # within the grace period
    ("Phòng Giáo dục và Đào tạo", "21/09/2021", "approve"),  # late
    ("Công an huyện", "14/09/2021", "submit"),  # awaiting approval
    ("Thị trấn Vị Xuyên", "08/09/2021", "approve"),
    ("Xã Đạo Đức", "13/09/2021", "return"),  # returned for one task
    ("Thị trấn Nông Trường Việt Lâm", "22/09/2021", "approve"),  # late
    ("Xã Phong Quang", "15/09/2021", "approve"),
    ("Xã Ngọc Linh", "15/09/2021", "approve"),
    ("Xã Trung Thành", "17/09/2021", "approve"),
]
ROUND_2 = [
    ("Phòng Nội vụ", "01/12/2021", "approve"),
    ("Phòng Văn hóa và Thông tin", "03/12/2021", "approve"),
    ("Thị trấn Vị Xuyên", "02/12/2021", "approve"),
    ("Xã Phong Quang", "09/12/2021", "approve"),
]
INITIATIVES = [
    ("Thị trấn Vị Xuyên", "Zalo “Chính quyền thân thiện” trả lời phản ánh của người dân trong 24 giờ"),
    ("Phòng Nội vụ", "Bảng theo dõi tiến độ giải quyết hồ sơ công khai tại Bộ phận Một cửa"),
    ("Xã Phong Quang", "Tổ công nghệ số cộng đồng hướng dẫn dịch vụ công trực tuyến"),
]


def at(day: str, hour: int = 9) -> dt.datetime:
    d, m, y = (int(x) for x in day.split("/"))
    return dt.datetime(y, m, d, hour, tzinfo=TZ)


def demo_plan() -> Plan | None:
    return Plan.objects.filter(issuer__ref=PLAN_ISSUER_REF, number="154", symbol="KH-UBND").first()


def _status_for(unit_name: str, number: str) -> str:
    """A fixed, varied status per unit and task (most done)."""
    roll = zlib.crc32(f"{unit_name}|{number}".encode()) % 10
    if roll < 7:
        return TaskStatus.DONE
    if roll < 9:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def _fill_and_send(actor, rnd: ReportingRound, unit, when: str, then: str) -> None:
    moment = at(when)
    report = services.open_report(actor, rnd, unit, now=moment)
    if report.first_submitted_at is not None:
        return
    tasks = {}
    for p in report.progress.select_related("task"):
        status = _status_for(unit.name, p.task.number)
        value = ""
        if p.task.has_measurable_target and status != TaskStatus.NOT_STARTED:
            value = str(p.task.target_value if status == TaskStatus.DONE else p.task.target_value * 8 / 10)
        tasks[p.task_id] = {
            "status": status,
            "achieved_value": value,
            "work_done": f"{unit.name} đã triển khai: {p.task.text[:80]}"
            if status != TaskStatus.NOT_STARTED
            else "",
        }
    report = services.save_report(
        actor,
        report,
        {
            "version": report.version,
            "results": f"{unit.name} đã quán triệt và triển khai các nhiệm vụ được giao tại Kế hoạch 154/KH-UBND.",
            "shortcomings": "Một số nhiệm vụ còn chậm do thiếu kinh phí và nhân lực.",
            "proposals": "Đề nghị UBND huyện tổ chức tập huấn về Chỉ số PAPI cho cán bộ cơ sở.",
            "tasks": tasks,
        },
        now=moment,
    )
    report = services.submit_report(actor, report, report.version, now=moment)
    if then == "approve":
        services.approve_report(actor, report, now=moment + dt.timedelta(days=1))
    elif then == "return":
        first = report.progress.select_related("task").order_by("task__position").first()
        services.return_report(
            actor,
            report,
            "Đề nghị bổ sung văn bản minh chứng (số, ngày văn bản) cho nhiệm vụ này.",
            [first.task_id],
            now=moment + dt.timedelta(days=1),
        )


@transaction.atomic
def build_demo_reporting(actor=None) -> list[ReportingRound]:
    """Idempotent: the rounds of the Vị Xuyên plan and its demo reports, initiatives and inspection."""
    plan = demo_plan()
    if plan is None:
        from chiso.plans.demo import build_demo_plans

        build_demo_plans(actor)
        plan = demo_plan()
    if plan is None:
        return []
    rounds = list(plan.reporting_rounds.order_by("number"))
    if not rounds:
        rounds = [
            services.create_round(
                actor,
                plan,
                {
                    "title": "Báo cáo sơ kết kết quả thực hiện Kế hoạch năm 2021",
                    "kind": "custom",
                    "period_start": "01/01/2021",
                    "period_end": "31/08/2021",
                    "opens_on": "01/09/2021",
                    "due_on": "15/09/2021",
                    "grace_until": "17/09/2021",
                    "locks_on": "24/09/2021",
                    "coordinator_due_on": "24/09/2021",
                },
            ),
            services.create_round(
                actor,
                plan,
                {
                    "title": "Báo cáo tổng kết năm 2021",
                    "kind": "yearly",
                    "period_start": "01/01/2021",
                    "period_end": "30/11/2021",
                    "opens_on": "15/11/2021",
                    "due_on": "06/12/2021",
                    "locks_on": "10/12/2021",
                    "coordinator_due_on": "10/12/2021",
                    "upper_due_on": "15/12/2021",
                },
            ),
        ]
    for rnd, script in zip(rounds, (ROUND_1, ROUND_2), strict=False):
        units = {e.unit.name: e.unit for e in expected_for_round(rnd).units.values()}
        for name, when, then in script:
            if name in units:
                _fill_and_send(actor, rnd, units[name], when, then)
    first = rounds[0]
    units = {e.unit.name: e.unit for e in expected_for_round(first).units.values()}
    if "Xã Trung Thành" in units and not first.extensions.filter(unit=units["Xã Trung Thành"]).exists():
        services.grant_extension(
            actor,
            first,
            units["Xã Trung Thành"],
            "20/09/2021",
            "Xã bị ảnh hưởng mưa lũ",
            now=at("14/09/2021"),
        )
    from chiso.reporting.models import Initiative

    for name, title in INITIATIVES:
        if name in units and not Initiative.objects.filter(unit=units[name], year=2021, title=title).exists():
            item = initiatives.register_initiative(actor, units[name], 2021, {"title": title})
            if name != "Xã Phong Quang":
                initiatives.evaluate_initiative(
                    actor, item, {"rating": "good", "replicate": "on" if name == "Thị trấn Vị Xuyên" else ""}
                )
    if not Inspection.objects.filter(owner=plan.issuer, year=2021).exists():
        inspections.create_inspection(
            actor,
            plan.issuer,
            2021,
            "Kiểm tra công tác nâng cao Chỉ số PAPI năm 2021",
            30,
            seed=2021,
            today=dt.date(2021, 12, 20),
        )
    return rounds


def demo_summary(rounds: list[ReportingRound]) -> dict:
    """How many reports of each state the demo holds (for the load_demo command's output)."""
    result = {}
    for rnd in rounds:
        states = list(rnd.reports.values_list("state", flat=True))
        result[rnd.title] = {state: states.count(state) for state in ReportState.values}
    return result


# ---------------------------------------------------------------------------------------------
# A round on the current year's province plan, still open: every demo account has a report to
# write, to approve or to follow.

# (unit name, what it has done so far); the other units have not started.
CURRENT_ROUND = [
    ("Phường Hà Giang 1", "approve"),
    ("Sở Nội vụ", "submit"),
    ("Xã Thanh Thủy", "draft"),
]


def _fill_current(actor, rnd: ReportingRound, unit, then: str, moment: dt.datetime) -> None:
    report = services.open_report(actor, rnd, unit, now=moment)
    if report.first_submitted_at is not None or report.results:
        return
    tasks = {}
    for p in report.progress.select_related("task"):
        status = _status_for(unit.name, p.task.number)
        if status == TaskStatus.NOT_STARTED:
            status = TaskStatus.IN_PROGRESS
        value = ""
        if p.task.has_measurable_target:
            value = str(p.task.target_value if status == TaskStatus.DONE else p.task.target_value * 9 / 10)
        tasks[p.task_id] = {
            "status": status,
            "achieved_value": value,
            "work_done": f"{unit.name} đã triển khai: {p.task.text[:80]}",
        }
    report = services.save_report(
        actor,
        report,
        {
            "version": report.version,
            "results": f"{unit.name} đã ban hành kế hoạch thực hiện và triển khai các nhiệm vụ được giao tại "
            f"Kế hoạch {rnd.plan.number_symbol} của UBND tỉnh.",
            "shortcomings": "Bộ máy mới sau sắp xếp còn thiếu công chức chuyên môn về công nghệ thông tin.",
            "proposals": "Đề nghị Sở Nội vụ tổ chức tập huấn về Chỉ số PAPI cho công chức cấp xã.",
            "tasks": tasks,
        },
        now=moment,
    )
    if then == "draft":
        return
    report = services.submit_report(actor, report, report.version, now=moment)
    if then == "approve":
        services.approve_report(actor, report, now=moment + dt.timedelta(hours=3))


@transaction.atomic
def build_demo_current_reporting(actor=None, today: dt.date | None = None) -> ReportingRound | None:
    """Idempotent: an open round on the province's current PAPI plan, due in two weeks when created;
    one commune's report approved, Sở Nội vụ's awaiting approval, one commune's in draft."""
    from chiso.core.workdays import add_working_days, next_working_day
    from chiso.plans.demo import PROVINCE_REF, build_demo_province_plan, province_plan
    from chiso.units.models import Unit

    today = today or timezone.localdate()
    plan = province_plan(Unit.objects.get(ref=PROVINCE_REF), today.year)
    if plan is None:
        plan = build_demo_province_plan(actor, today=today)
    rnd = plan.reporting_rounds.order_by("number").first()
    if rnd is None:
        due_on = next_working_day(max(today, plan.issued_on) + dt.timedelta(days=14))
        rnd = services.create_round(
            actor,
            plan,
            {
                "title": f"Báo cáo kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI năm {plan.year_from}",
                "kind": "custom",
                "period_start": dt.date(plan.year_from, 1, 1),
                "period_end": min(due_on, dt.date(plan.year_from, 12, 31)),
                "opens_on": plan.issued_on,
                "due_on": due_on,
                "locks_on": due_on + dt.timedelta(days=7),
                "coordinator_due_on": add_working_days(due_on, 5),
            },
        )
    units = {e.unit.name: e.unit for e in expected_for_round(rnd).units.values()}
    day = max(rnd.opens_on, min(today - dt.timedelta(days=1), rnd.due_on))
    for name, then in CURRENT_ROUND:
        if name in units:
            _fill_current(actor, rnd, units[name], then, at(day.strftime("%d/%m/%Y")))
    return rnd
