"""A synthetic province for benchmarks and query-count tests, built with bulk_create.

`build_synthetic(communes=80, departments=20, tasks=100)` makes a province with its departments
and communes, an 8-dimension index, an issued plan whose tasks each have a department as lead
and every commune as partner (through a group), two rounds, and reports for both rounds: most
sent on time, some late, some never; most approved; task statuses drawn from a seeded generator.
Nothing here is used by the product itself.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from chiso.core.text import fold
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.plans.models import Plan, PlanState, Task, TaskAssignment, TimeframeKind, UnitGroup
from chiso.reporting.models import (
    ReportingRound,
    ReportState,
    RoundKind,
    TaskProgress,
    TaskStatus,
    UnitReport,
)
from chiso.units.models import Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Synthetic:
    province: Unit
    plan: Plan
    rounds: list[ReportingRound]
    units: list[Unit]


def _unit(parent: Unit | None, name: str, kind: str, ref: str) -> Unit:
    return Unit(
        parent=parent, name=name, kind=kind, ref=ref, search_key=fold(name), valid_from=dt.date(2000, 1, 1)
    )


@transaction.atomic
def build_synthetic(
    communes: int = 80, departments: int = 20, tasks: int = 100, seed: int = 1, tag: str = "bench"
) -> Synthetic:
    rng = random.Random(seed)
    province = _unit(None, f"Tỉnh Tổng Hợp {tag}", "province", f"synthetic:{tag}:province")
    province.save()
    bodies = [
        _unit(province, f"Sở {i:03d} {tag}", "department", f"synthetic:{tag}:d{i}")
        for i in range(departments)
    ]
    towns = [
        _unit(province, f"Xã {i:03d} {tag}", "commune", f"synthetic:{tag}:c{i}") for i in range(communes)
    ]
    Unit.objects.bulk_create(bodies + towns)
    units = list(Unit.objects.filter(parent=province).order_by("pk"))
    bodies = [u for u in units if u.kind == "department"]
    towns = [u for u in units if u.kind == "commune"]

    framework = Framework.objects.create(
        code=f"SYN-{tag}"[:40], kind=Framework.Kind.CUSTOM, name_vi=f"Chỉ số tổng hợp {tag}", short_name="SYN"
    )
    version = FrameworkVersion.objects.create(
        framework=framework, code=f"SYN-{tag}-2024", name="SYN 2024", year_from=2024, year_to=2024
    )
    dims = []
    for d in range(1, 9):
        dims.append(
            Criterion.objects.create(
                version=version,
                level=CriterionLevel.DIMENSION,
                code=str(d),
                name_vi=f"Chỉ số nội dung {d}",
                position=d,
            )
        )

    plan = Plan(
        issuer=province,
        number="1",
        symbol="KH-UBND",
        place="Tổng Hợp",
        issued_on=dt.date(2024, 2, 1),
        title=f"Nâng cao chỉ số năm 2024 ({tag})",
        year_from=2024,
        year_to=2024,
        state=PlanState.ISSUED,
    )
    plan.save()
    plan.frameworks.set([version])
    group = UnitGroup.objects.create(
        owner=province, name=f"UBND các xã {tag}", member_kinds="commune", depth=1
    )
    task_rows = []
    for i in range(tasks):
        measurable = i % 3 == 0
        task_rows.append(
            Task(
                plan=plan,
                position=i + 1,
                group_code=str(i % 8 + 1),
                group_title=f"Chỉ số nội dung {i % 8 + 1}",
                number=f"{i % 8 + 1}.{i // 8 + 1}",
                text=f"Nhiệm vụ tổng hợp số {i + 1}",
                target_text="Có ít nhất 95% hồ sơ đúng hạn" if measurable else "Theo kế hoạch",
                target_op=">=" if measurable else "",
                target_value=Decimal(95) if measurable else None,
                target_unit="%" if measurable else "",
                timeframe_kind=TimeframeKind.BY_DATE if i % 4 == 1 else TimeframeKind.CONTINUOUS,
                due_on=dt.date(2024, 3, 31) if i % 4 == 1 else None,
            )
        )
    Task.objects.bulk_create(task_rows)
    task_rows = list(plan.tasks.order_by("position"))
    through = Task.criteria.through
    through.objects.bulk_create(
        through(task_id=t.pk, criterion_id=dims[k % 8].pk) for k, t in enumerate(task_rows)
    )
    assignments = []
    for k, task in enumerate(task_rows):
        if bodies:
            assignments.append(
                TaskAssignment(task=task, role="lead", unit=bodies[k % len(bodies)], position=1)
            )
        assignments.append(TaskAssignment(task=task, role="partner", group=group, position=1))
    TaskAssignment.objects.bulk_create(assignments)

    rounds = [
        ReportingRound.objects.create(
            plan=plan,
            number=1,
            kind=RoundKind.SIX_MONTHLY,
            title="Báo cáo 6 tháng đầu năm 2024",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 6, 30),
            opens_on=dt.date(2024, 6, 15),
            due_on=dt.date(2024, 7, 5),
            grace_until=dt.date(2024, 7, 9),
            locks_on=dt.date(2024, 7, 10),
            coordinator_due_on=dt.date(2024, 7, 10),
        ),
        ReportingRound.objects.create(
            plan=plan,
            number=2,
            kind=RoundKind.SIX_MONTHLY,
            title="Báo cáo năm 2024",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            opens_on=dt.date(2024, 12, 15),
            due_on=dt.date(2025, 1, 6),
            locks_on=dt.date(2025, 1, 10),
            coordinator_due_on=dt.date(2025, 1, 10),
        ),
    ]
    tasks_of: dict[int, list[tuple[int, bool]]] = {u.pk: [] for u in units}
    for k, task in enumerate(task_rows):
        if bodies:
            tasks_of[bodies[k % len(bodies)].pk].append((task.pk, True))
        for town in towns:
            tasks_of[town.pk].append((task.pk, False))
    measurable = {t.pk for t in task_rows if t.target_value is not None}
    statuses = (
        [TaskStatus.DONE] * 6
        + [TaskStatus.IN_PROGRESS] * 2
        + [TaskStatus.NOT_STARTED, TaskStatus.NOT_APPLICABLE]
    )
    for rnd in rounds:
        reports = []
        for unit in units:
            roll = rng.random()
            if roll < 0.08:
                continue  # never sent
            day = (
                rnd.due_on - dt.timedelta(days=rng.randint(0, 5))
                if roll < 0.85
                else rnd.due_on + dt.timedelta(days=2)
            )
            at = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
            state = ReportState.APPROVED if rng.random() < 0.85 else ReportState.SUBMITTED
            reports.append(
                UnitReport(
                    round=rnd,
                    unit=unit,
                    state=state,
                    results="Đã triển khai.",
                    first_submitted_at=at,
                    submitted_at=at,
                    approved_at=at if state == ReportState.APPROVED else None,
                )
            )
        UnitReport.objects.bulk_create(reports)
        saved = UnitReport.objects.filter(round=rnd)
        rows = []
        for report in saved:
            for task_id, is_lead in tasks_of[report.unit_id]:
                status = rng.choice(statuses)
                value = (
                    Decimal(rng.randint(80, 100))
                    if task_id in measurable and status != TaskStatus.NOT_APPLICABLE
                    else None
                )
                rows.append(
                    TaskProgress(
                        report=report,
                        task_id=task_id,
                        is_lead=is_lead,
                        status=status,
                        achieved_value=value,
                        work_done="Đã thực hiện." if status == TaskStatus.DONE else "",
                    )
                )
        TaskProgress.objects.bulk_create(rows, batch_size=2000)
    return Synthetic(province=province, plan=plan, rounds=rounds, units=units)
