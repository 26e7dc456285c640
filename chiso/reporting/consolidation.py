"""The consolidated report of a round: what every lower unit reported, per dimension and per task.

Only APPROVED reports are consolidated. For each task: the units it is assigned to (those that
exist on the round's due date), what each approved report says (status, achieved value, what was
done, how much evidence), how many units completed it out of those for which it applies ("27/30
đơn vị hoàn thành"), the achieved values against the measurable target, and the units that have
no approved report. Every figure keeps the ids of the unit reports and task progress rows it was
computed from, so it can be traced back. A task whose measurable target names a measure is also
evaluated on the system's figures for every unit it is assigned to (met, not met, no data; see
`chiso.reporting.measured`), approved report or not: `TaskLine.evaluation`.

A unit that reports on its own implementing plan counts, for an upper task it broke down, with
the status and value rolled up from its child tasks (`chiso.reporting.rollup`, rules 2 and 3);
its entry keeps the child rows (`UnitEntry.children`) and all their ids.

`consolidate` runs a fixed number of queries whatever the number of units, tasks and child tasks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils import timezone

from chiso.measures.evaluation import Evaluation
from chiso.plans.models import TargetOp, Task
from chiso.reporting.expected import expected_for_round
from chiso.reporting.measured import EvaluationCounts, by_task, round_evaluations
from chiso.reporting.models import (
    Evidence,
    ReportingRound,
    ReportState,
    RoundExtension,
    TaskProgress,
    TaskStatus,
    UnitReport,
)
from chiso.reporting.monitoring import task_dimensions
from chiso.reporting.rollup import NO_DATA, load_lower_plans, roll_up_status, roll_up_value
from chiso.reporting.status import Timeliness, classify, percent
from chiso.units.models import Unit

OPS = {
    TargetOp.GE: lambda a, b: a >= b,
    TargetOp.GT: lambda a, b: a > b,
    TargetOp.EQ: lambda a, b: a == b,
    TargetOp.LE: lambda a, b: a <= b,
    TargetOp.LT: lambda a, b: a < b,
}


def plain(value: Decimal | None) -> Decimal | None:
    """A stored value without its trailing zeros: Decimal("95.5000") → 95.5, Decimal("2.0000") → 2."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def meets(task: Task, value: Decimal | None) -> bool | None:
    """Whether a reported value meets the task's measurable target (None: nothing to compare)."""
    if value is None or not task.has_measurable_target:
        return None
    return OPS[TargetOp(task.target_op)](value, task.target_value)


@dataclass
class ChildEntry:
    """What a unit's approved report says about one child task (of its own plan) of an upper task."""

    task: Task
    progress_id: int
    status: str
    achieved_value: Decimal | None
    work_done: str
    evidence_count: int

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)


@dataclass
class UnitEntry:
    """What one unit's approved report says about one task (directly, or through its child tasks)."""

    unit: Unit
    report_id: int
    progress_id: int
    status: str
    achieved_value: Decimal | None
    work_done: str
    evidence_count: int
    meets_target: bool | None
    evaluation: Evaluation | None = None
    children: list[ChildEntry] = field(default_factory=list)
    progress_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.progress_ids:
            self.progress_ids = [self.progress_id]

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)

    @property
    def via_lower_plan(self) -> bool:
        return bool(self.children)


@dataclass
class TaskLine:
    task: Task
    dimension_key: str
    expected_units: list[Unit]
    entries: list[UnitEntry] = field(default_factory=list)
    not_reported: list[Unit] = field(default_factory=list)
    evaluation: EvaluationCounts | None = None

    @property
    def status_counts(self) -> Counter:
        return Counter(e.status for e in self.entries)

    @property
    def done(self) -> int:
        return self.status_counts[TaskStatus.DONE]

    @property
    def not_applicable(self) -> int:
        return self.status_counts[TaskStatus.NOT_APPLICABLE]

    @property
    def applicable(self) -> int:
        """The units the task applies to this period: assigned, less those reporting "not applicable"."""
        return len(self.expected_units) - self.not_applicable

    @property
    def done_label(self) -> str:
        """ "27/30"."""
        return f"{self.done}/{self.applicable}"

    @property
    def done_pct(self) -> float:
        return percent(self.done, self.applicable)

    @property
    def values(self) -> list[Decimal]:
        return [e.achieved_value for e in self.entries if e.achieved_value is not None]

    @property
    def value_sum(self) -> Decimal | None:
        return sum(self.values, Decimal(0)) if self.values else None

    @property
    def value_mean(self) -> Decimal | None:
        """The unweighted mean of the units' values, two decimals, half up."""
        if not self.values:
            return None
        return (self.value_sum / len(self.values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def is_share(self) -> bool:
        return self.task.target_unit.strip() == "%"

    @property
    def value(self) -> Decimal | None:
        """The consolidated value: the mean of shares (%), the sum of counts."""
        return self.value_mean if self.is_share else self.value_sum

    @property
    def met(self) -> int:
        return sum(1 for e in self.entries if e.meets_target)

    @property
    def measured(self) -> int:
        return sum(1 for e in self.entries if e.meets_target is not None)

    @property
    def source_progress_ids(self) -> list[int]:
        return [pid for e in self.entries for pid in e.progress_ids]

    @property
    def source_report_ids(self) -> list[int]:
        return [e.report_id for e in self.entries]


@dataclass
class DimensionBlock:
    key: str
    code: str
    name: str
    tasks: list[TaskLine] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        return sum(len(t.expected_units) for t in self.tasks)

    @property
    def done(self) -> int:
        return sum(t.done for t in self.tasks)

    @property
    def applicable(self) -> int:
        return sum(t.applicable for t in self.tasks)

    @property
    def done_pct(self) -> float:
        return percent(self.done, self.applicable)

    def status_total(self, status: str) -> int:
        return sum(t.status_counts[status] for t in self.tasks)

    @property
    def not_reported(self) -> int:
        return sum(len(t.not_reported) for t in self.tasks)

    @property
    def source_progress_ids(self) -> list[int]:
        return [pid for t in self.tasks for pid in t.source_progress_ids]


@dataclass
class UnitSummary:
    unit: Unit
    report_id: int | None
    state: str | None
    timeliness: str
    first_submitted_at: dt.datetime | None
    tasks: int
    done: int = 0
    not_applicable: int = 0
    overdue: int = 0
    results: str = ""
    shortcomings: str = ""
    proposals: str = ""

    @property
    def approved(self) -> bool:
        return self.state == ReportState.APPROVED

    @property
    def done_pct(self) -> float:
        return percent(self.done, self.tasks - self.not_applicable)

    @property
    def state_label(self) -> str:
        return str(ReportState(self.state).label) if self.state else "Chưa lập"

    @property
    def timeliness_label(self) -> str:
        return str(Timeliness(self.timeliness).label)


@dataclass
class Consolidation:
    round: ReportingRound
    today: dt.date
    dimensions: list[DimensionBlock]
    units: list[UnitSummary]

    @property
    def plan(self):
        return self.round.plan

    @property
    def expected(self) -> int:
        return len(self.units)

    @property
    def approved_units(self) -> list[UnitSummary]:
        return [u for u in self.units if u.approved]

    @property
    def not_reported(self) -> list[UnitSummary]:
        """Units without an approved report (never sent, or not approved yet)."""
        return [u for u in self.units if not u.approved]

    @property
    def never_submitted(self) -> list[UnitSummary]:
        return [u for u in self.units if u.first_submitted_at is None]

    @property
    def awaiting(self) -> list[UnitSummary]:
        return [u for u in self.units if u.first_submitted_at is not None and not u.approved]

    def count(self, timeliness: str) -> int:
        return sum(1 for u in self.units if u.timeliness == timeliness)

    @property
    def submitted(self) -> int:
        return sum(1 for u in self.units if u.first_submitted_at is not None)

    @property
    def source_report_ids(self) -> list[int]:
        return [u.report_id for u in self.units if u.approved and u.report_id]

    @property
    def tasks(self) -> list[TaskLine]:
        return [t for d in self.dimensions for t in d.tasks]

    @property
    def done(self) -> int:
        return sum(d.done for d in self.dimensions)

    @property
    def applicable(self) -> int:
        return sum(d.applicable for d in self.dimensions)


def _rolled_entry(
    unit: Unit, task: Task, children: list[Task], progress: dict, evidence: dict
) -> UnitEntry | None:
    """The unit's entry for an upper task from its approved child rows; None without any."""
    kids: list[ChildEntry] = []
    report_id = None
    for child in children:
        row = progress.get((unit.id, child.pk))
        if row is None:
            continue
        pk, report_id, status, value, work_done = row
        kids.append(ChildEntry(child, pk, status, plain(value), work_done, evidence.get(pk, 0)))
    if not kids or report_id is None:
        return None
    status = roll_up_status([k.status for k in kids] + [None] * (len(children) - len(kids)))
    if status == NO_DATA:
        return None
    value = roll_up_value(task, [(k.task, k.achieved_value) for k in kids])
    return UnitEntry(
        unit=unit,
        report_id=report_id,
        progress_id=kids[0].progress_id,
        status=status,
        achieved_value=value,
        work_done="\n".join(
            f"{k.task.number}: {k.work_done}" if k.task.number else k.work_done for k in kids if k.work_done
        ),
        evidence_count=sum(k.evidence_count for k in kids),
        meets_target=meets(task, value),
        children=kids,
        progress_ids=[k.progress_id for k in kids],
    )


def consolidate(rnd: ReportingRound, today: dt.date | None = None) -> Consolidation:
    today = today or timezone.localdate()
    expectation = expected_for_round(rnd)
    dimension_of_task, dimension_rows = task_dimensions(rnd.plan, expectation.tasks)
    reports = {
        r.unit_id: r
        for r in UnitReport.objects.filter(round=rnd).only(
            "id",
            "unit_id",
            "state",
            "first_submitted_at",
            "results",
            "shortcomings",
            "proposals",
            "lower_plan_id",
        )
    }
    lower = load_lower_plans(rnd.plan, {unit_id: r.lower_plan_id for unit_id, r in reports.items()})
    extensions = dict(RoundExtension.objects.filter(round=rnd).values_list("unit_id", "due_on"))
    evidence = dict(
        Evidence.objects.filter(progress__report__round=rnd, progress__report__state=ReportState.APPROVED)
        .values("progress_id")
        .annotate(n=Count("id"))
        .values_list("progress_id", "n")
    )
    progress = {
        (unit_id, task_id): (pk, report_id, status, value, work_done)
        for pk, report_id, unit_id, task_id, status, value, work_done in TaskProgress.objects.filter(
            report__round=rnd, report__state=ReportState.APPROVED
        ).values_list(
            "id", "report_id", "report__unit_id", "task_id", "status", "achieved_value", "work_done"
        )
    }
    units_of_task: dict[int, list[Unit]] = {t.id: [] for t in expectation.tasks}
    for entry in expectation.units.values():
        for task_id in entry.task_ids:
            units_of_task[task_id].append(entry.unit)
    blocks = {d.key: DimensionBlock(d.key, d.code, d.name) for d in dimension_rows}
    summaries = {}
    for unit_id, entry in expectation.units.items():
        report = reports.get(unit_id)
        summaries[unit_id] = UnitSummary(
            unit=entry.unit,
            report_id=report.pk if report else None,
            state=report.state if report else None,
            timeliness=classify(
                rnd, report.first_submitted_at if report else None, extensions.get(unit_id), today
            ),
            first_submitted_at=report.first_submitted_at if report else None,
            tasks=len(entry.task_ids),
            results=report.results if report and report.state == ReportState.APPROVED else "",
            shortcomings=report.shortcomings if report and report.state == ReportState.APPROVED else "",
            proposals=report.proposals if report and report.state == ReportState.APPROVED else "",
        )
    evaluations = round_evaluations(
        rnd, expectation.tasks, [(u.id, t) for t, units in units_of_task.items() for u in units]
    )
    evaluation_counts = by_task(evaluations)
    for task in expectation.tasks:
        task_id = task.id
        line = TaskLine(
            task=task,
            dimension_key=dimension_of_task[task_id],
            expected_units=units_of_task[task_id],
            evaluation=evaluation_counts.get(task_id),
        )
        for unit in line.expected_units:
            unit_id = unit.id
            children = lower.children_of(unit_id, task_id) if lower.via(unit_id) else None
            if children:
                entry = _rolled_entry(unit, task, children, progress, evidence)
                if entry is None:
                    line.not_reported.append(unit)
                    continue
                entry.evaluation = evaluations.get((unit_id, task_id))
                line.entries.append(entry)
                status = entry.status
            else:
                row = progress.get((unit_id, task_id))
                if row is None:
                    line.not_reported.append(unit)
                    continue
                pk, report_id, status, value, work_done = row
                value = plain(value)
                line.entries.append(
                    UnitEntry(
                        unit=unit,
                        report_id=report_id,
                        progress_id=pk,
                        status=status,
                        achieved_value=value,
                        work_done=work_done,
                        evidence_count=evidence.get(pk, 0),
                        meets_target=meets(task, value),
                        evaluation=evaluations.get((unit_id, task_id)),
                    )
                )
            summary = summaries[unit_id]
            if status == TaskStatus.DONE:
                summary.done += 1
            elif status == TaskStatus.NOT_APPLICABLE:
                summary.not_applicable += 1
            elif status == TaskStatus.OVERDUE:
                summary.overdue += 1
        if line.expected_units:
            blocks[line.dimension_key].tasks.append(line)
    return Consolidation(
        round=rnd,
        today=today,
        dimensions=[b for b in blocks.values() if b.tasks],
        units=list(summaries.values()),
    )
