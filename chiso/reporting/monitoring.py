"""Monitoring a round: who reported and when, how each unit and each index dimension is doing,
which tasks are overdue, and whom to chase.

Rules (plain functions, see `chiso.reporting.status` for timeliness and lights):

- the units expected are those the plan assigns tasks to that exist on the round's due date, so a
  unit merged away mid-year is not expected afterwards and rates never exceed 100%;
- completeness and timeliness count first submissions (see `status.classify`);
- progress counts only APPROVED reports ("only approved reports roll up"): for each expected
  (unit, task) pair the status is what the approved report says, or "no data";
- a pair is overdue when the unit reported it overdue, or when the task's due date has passed by
  the round's cut-off (or today, for a round still running) and no approved report says it is
  done or not applicable this period;
- a pair whose task's measurable target names a measure is also evaluated on the system's
  figures over the round's cut-off window (met, not met, no data: `chiso.reporting.measured`),
  whatever the unit reported;
- a unit reporting on its own implementing plan (`chiso.reporting.rollup`) has, for an upper task
  it broke down, the status rolled up from its child tasks: each child's effective status by the
  rules above (its own due date), combined by `rollup.roll_up_status`, then the upper task's due
  date as for any pair. The children's statuses are kept for the drill-down.

`round_monitoring` runs a fixed number of queries whatever the number of units, tasks and child
tasks (two of them for the measurable targets, two for the lower plans).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from chiso.measures.evaluation import Evaluation
from chiso.plans.conformance import load_dimensions
from chiso.plans.models import Task
from chiso.reporting.expected import Expectation, expected_for_round
from chiso.reporting.measured import EvaluationCounts, by_task, round_evaluations
from chiso.reporting.models import (
    Initiative,
    ReportingRound,
    ReportState,
    RoundExtension,
    TaskProgress,
    TaskStatus,
    UnitReport,
)
from chiso.reporting.rollup import LowerPlans, load_lower_plans, roll_up_status
from chiso.reporting.status import Light, Timeliness, classify, dimension_light, percent, unit_due, unit_light
from chiso.units.models import Unit

# Effective statuses of an expected (unit, task) pair.
DONE = "done"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
NOT_APPLICABLE = "not_applicable"
OVERDUE = "overdue"
NO_DATA = "no_data"
PAIR_STATUSES = (DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, NOT_APPLICABLE, NO_DATA)
PAIR_LABELS = {
    DONE: _l("Hoàn thành"),
    IN_PROGRESS: _l("Đang thực hiện"),
    NOT_STARTED: _l("Chưa thực hiện"),
    OVERDUE: _l("Quá hạn"),
    NOT_APPLICABLE: _l("Không phát sinh"),
    NO_DATA: _l("Chưa có báo cáo được duyệt"),
}


@dataclass
class Counts:
    """How many expected (unit, task) pairs are in each effective status."""

    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    not_applicable: int = 0
    no_data: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def total(self) -> int:
        return (
            self.done
            + self.in_progress
            + self.not_started
            + self.overdue
            + self.not_applicable
            + self.no_data
        )

    @property
    def applicable(self) -> int:
        return self.total - self.not_applicable

    @property
    def done_pct(self) -> float:
        return percent(self.done, self.applicable)


@dataclass
class UnitRow:
    unit: Unit
    task_ids: list[int]
    report_id: int | None
    state: str | None
    first_submitted_at: dt.datetime | None
    submitted_at: dt.datetime | None
    due_on: dt.date
    extended: bool
    timeliness: str
    counts: Counts
    light: str = Light.GREY
    reasons: list[str] = field(default_factory=list)
    initiatives: int = 0
    via_lower_plan: bool = False
    lower_plan_label: str = ""

    @property
    def timeliness_label(self) -> str:
        return str(Timeliness(self.timeliness).label)

    @property
    def state_label(self) -> str:
        return str(ReportState(self.state).label) if self.state else _("Chưa lập")

    @property
    def submitted(self) -> bool:
        return self.first_submitted_at is not None


@dataclass
class DimensionRow:
    key: str
    code: str
    name: str
    task_ids: list[int] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    @property
    def light(self) -> str:
        return dimension_light(self.counts.applicable, self.counts.done, self.counts.overdue)


@dataclass
class AreaRow:
    """The units under one parent (a commune's bodies, a district's communes), summed."""

    unit: Unit | None
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    missing: int = 0
    counts: Counts = field(default_factory=Counts)


@dataclass
class Totals:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    grace: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0
    approved: int = 0
    awaiting_approval: int = 0
    returned: int = 0
    drafts: int = 0
    without_initiative: int = 0

    @property
    def completeness_pct(self) -> float:
        return percent(self.submitted, self.expected)

    @property
    def on_time_pct(self) -> float:
        return percent(self.on_time, self.expected)

    @property
    def approved_pct(self) -> float:
        return percent(self.approved, self.expected)


@dataclass
class OverdueItem:
    unit: Unit
    task: Task
    reported: str | None  # the approved report's status, None without one


@dataclass
class TaskNode:
    """An upper task of one unit with its effective status and, through the unit's lower plan,
    its child tasks with theirs."""

    task: Task
    status: str
    children: list[tuple[Task, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(PAIR_LABELS[self.status])


@dataclass
class RoundMonitoring:
    round: ReportingRound
    today: dt.date
    as_of: dt.date
    expectation: Expectation
    units: list[UnitRow]
    dimensions: list[DimensionRow]
    totals: Totals
    counts: Counts
    pair_status: dict[tuple[int, int], str]
    dimension_of_task: dict[int, str]
    parents: dict[int, Unit]
    evaluations: dict[tuple[int, int], Evaluation] = field(default_factory=dict)
    lower: LowerPlans = field(default_factory=LowerPlans)
    child_status: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def tasks(self) -> list[Task]:
        return self.expectation.tasks

    def unit_tasks(self, unit_id: int) -> list[TaskNode]:
        """The unit's upper tasks in plan order, each with its child tasks (drill-down, `chiso monitor`)."""
        entry = self.expectation.units.get(unit_id)
        if entry is None:
            return []
        tasks = self.expectation.task_by_id
        return [
            TaskNode(
                tasks[task_id],
                self.pair_status[(unit_id, task_id)],
                [(c, self.child_status[(unit_id, c.pk)]) for c in self.lower.children_of(unit_id, task_id)],
            )
            for task_id in entry.task_ids
        ]

    @property
    def chase(self) -> list[UnitRow]:
        """Units to chase: red first, then yellow, nearest due date first."""
        order = {Light.RED: 0, Light.YELLOW: 1}
        rows = [r for r in self.units if r.light in order]
        return sorted(rows, key=lambda r: (order[r.light], r.due_on, r.unit.name))

    @property
    def overdue(self) -> list[OverdueItem]:
        tasks = self.expectation.task_by_id
        units = {r.unit.pk: r.unit for r in self.units}
        return [
            OverdueItem(units[u], tasks[t], None)
            for (u, t), status in self.pair_status.items()
            if status == OVERDUE
        ]

    def areas(self) -> list[AreaRow]:
        rows: dict[int | None, AreaRow] = {}
        for row in self.units:
            key = row.unit.parent_id
            area = rows.get(key)
            if area is None:
                area = rows[key] = AreaRow(self.parents.get(key) if key else None)
            area.expected += 1
            area.submitted += row.submitted
            area.on_time += row.timeliness == Timeliness.ON_TIME
            area.missing += row.timeliness == Timeliness.MISSING
            for status in PAIR_STATUSES:
                setattr(area.counts, status, getattr(area.counts, status) + getattr(row.counts, status))
        return sorted(rows.values(), key=lambda a: a.unit.name if a.unit else "")

    def in_area(self, parent_id: int) -> list[UnitRow]:
        return [r for r in self.units if r.unit.parent_id == parent_id or r.unit.pk == parent_id]

    def unit_row(self, unit_id: int) -> UnitRow | None:
        return next((r for r in self.units if r.unit.pk == unit_id), None)

    @property
    def measured_tasks(self) -> list[tuple[Task, EvaluationCounts]]:
        """The tasks evaluated on the system's figures, in plan order, with their counts."""
        counts = by_task(self.evaluations)
        return [(t, counts[t.pk]) for t in self.tasks if t.pk in counts]

    @property
    def evaluation_totals(self) -> EvaluationCounts:
        total = EvaluationCounts()
        for (unit_id, _task_id), evaluation in self.evaluations.items():
            total.add(unit_id, evaluation)
        return total


def task_dimensions(plan, tasks: list[Task]) -> tuple[dict[int, str], list[DimensionRow]]:
    """{task id: dimension key} and the dimensions in framework order (four queries).

    A task sits in the dimension of its first criterion that maps to one; without one, in the
    plan's own group (group code and title), else "other".
    """
    version_ids = list(plan.frameworks.values_list("pk", flat=True))
    index = load_dimensions(version_ids) if version_ids else None
    criteria: dict[int, list[int]] = {}
    through = Task.criteria.through
    for task_id, criterion_id in (
        through.objects.filter(task__plan_id=plan.pk).order_by("id").values_list("task_id", "criterion_id")
    ):
        criteria.setdefault(task_id, []).append(criterion_id)
    rows: dict[str, DimensionRow] = {}
    if index is not None:
        for version_id in version_ids:
            for dim in index.dimensions.get(version_id, []):
                rows[f"c:{dim.id}"] = DimensionRow(f"c:{dim.id}", dim.code, dim.name)
    extra: dict[str, DimensionRow] = {}
    of_task: dict[int, str] = {}
    for task in tasks:
        key = None
        if index is not None:
            for criterion_id in criteria.get(task.pk, []):
                dim_id = index.dimension_of.get(criterion_id)
                if dim_id is not None:
                    key = f"c:{dim_id}"
                    break
        if key is None:
            code = task.group_code or ""
            key = f"g:{code}" if code or task.group_title else "g:"
            if key not in extra:
                extra[key] = DimensionRow(key, code, task.group_title or _("Nhiệm vụ khác"))
        of_task[task.pk] = key
        (rows.get(key) or extra[key]).task_ids.append(task.pk)
    ordered = list(rows.values()) + sorted(extra.values(), key=lambda r: (r.code == "", r.code))
    return of_task, ordered


def pair_status(reported: str | None, task: Task, as_of: dt.date, today: dt.date) -> str:
    """The effective status of one expected (unit, task) pair (see the module's rules)."""
    past_due = task.due_on is not None and task.due_on <= as_of and task.due_on < today
    return effective_status(reported, past_due)


def effective_status(reported: str | None, past_due: bool) -> str:
    """Done or not applicable as reported; overdue when reported so or past the task's due date;
    else in progress, not started, or no data (no approved report)."""
    if reported == TaskStatus.DONE:
        return DONE
    if reported == TaskStatus.NOT_APPLICABLE:
        return NOT_APPLICABLE
    if reported == TaskStatus.OVERDUE or past_due:
        return OVERDUE
    if reported == TaskStatus.IN_PROGRESS:
        return IN_PROGRESS
    if reported == TaskStatus.NOT_STARTED:
        return NOT_STARTED
    return NO_DATA


def round_monitoring(rnd: ReportingRound, today: dt.date | None = None) -> RoundMonitoring:
    """Every figure of the round's monitoring page."""
    today = today or timezone.localdate()
    as_of = min(today, rnd.period_end)
    plan = rnd.plan
    expectation = expected_for_round(rnd)
    dimension_of_task, dimensions = task_dimensions(plan, expectation.tasks)
    reports = {
        row["unit_id"]: row
        for row in UnitReport.objects.filter(round=rnd).values(
            "id", "unit_id", "state", "first_submitted_at", "submitted_at", "lower_plan_id"
        )
    }
    lower = load_lower_plans(plan, {unit_id: row["lower_plan_id"] for unit_id, row in reports.items()})
    approved: dict[tuple[int, int], str] = {
        (unit_id, task_id): status
        for unit_id, task_id, status in TaskProgress.objects.filter(
            report__round=rnd, report__state=ReportState.APPROVED
        ).values_list("report__unit_id", "task_id", "status")
    }
    extensions = dict(RoundExtension.objects.filter(round=rnd).values_list("unit_id", "due_on"))
    unit_ids = list(expectation.units)
    initiatives = dict(
        Initiative.objects.filter(unit_id__in=unit_ids, year=rnd.period_end.year)
        .exclude(rating=Initiative.Rating.REJECTED)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    parent_ids = {e.unit.parent_id for e in expectation.units.values() if e.unit.parent_id}
    parents = {u.pk: u for u in Unit.objects.filter(pk__in=parent_ids)}
    tasks = expectation.task_by_id
    # A task's date rule does not depend on the unit: decide it once per task.
    date_overdue = {
        task_id: task.due_on is not None and task.due_on <= as_of and task.due_on < today
        for task_id, task in tasks.items()
    }
    child_overdue = {
        child.pk: child.due_on is not None and child.due_on <= as_of and child.due_on < today
        for children in lower.children.values()
        for child in children
    }
    child_status: dict[tuple[int, int], str] = {}
    totals = Totals()
    overall: dict[str, int] = dict.fromkeys(PAIR_STATUSES, 0)
    by_dimension: dict[str, dict[str, int]] = {d.key: dict.fromkeys(PAIR_STATUSES, 0) for d in dimensions}
    statuses: dict[tuple[int, int], str] = {}
    rows: list[UnitRow] = []
    for unit_id, entry in expectation.units.items():
        report = reports.get(unit_id)
        extension = extensions.get(unit_id)
        timeliness = classify(rnd, report["first_submitted_at"] if report else None, extension, today)
        tally = dict.fromkeys(PAIR_STATUSES, 0)
        via = lower.via(unit_id)
        for task_id in entry.task_ids:
            children = lower.children_of(unit_id, task_id) if via else None
            if children:
                kids = []
                for child in children:
                    child_id = child.pk
                    kid = effective_status(approved.get((unit_id, child_id)), child_overdue[child_id])
                    child_status[(unit_id, child_id)] = kid
                    kids.append(kid)
                combined = roll_up_status(kids)
                status = effective_status(None if combined == NO_DATA else combined, date_overdue[task_id])
            else:
                status = effective_status(approved.get((unit_id, task_id)), date_overdue[task_id])
            statuses[(unit_id, task_id)] = status
            tally[status] += 1
            by_dimension[dimension_of_task[task_id]][status] += 1
        for status, n in tally.items():
            overall[status] += n
        counts = Counts(**tally)
        state = report["state"] if report else None
        light, reasons = unit_light(timeliness, counts.overdue, state == ReportState.RETURNED)
        row = UnitRow(
            unit=entry.unit,
            task_ids=entry.task_ids,
            report_id=report["id"] if report else None,
            state=state,
            first_submitted_at=report["first_submitted_at"] if report else None,
            submitted_at=report["submitted_at"] if report else None,
            due_on=unit_due(rnd, extension),
            extended=extension is not None,
            timeliness=timeliness,
            counts=counts,
            light=light,
            reasons=reasons,
            initiatives=initiatives.get(unit_id, 0),
            via_lower_plan=via,
            lower_plan_label=lower.plan_label(unit_id) if via else "",
        )
        rows.append(row)
        totals.expected += 1
        totals.submitted += row.submitted
        setattr(totals, timeliness, getattr(totals, timeliness) + 1)
        totals.approved += state == ReportState.APPROVED
        totals.awaiting_approval += state == ReportState.SUBMITTED
        totals.returned += state == ReportState.RETURNED
        totals.drafts += state == ReportState.DRAFT
        totals.without_initiative += row.initiatives == 0
    for dimension in dimensions:
        dimension.counts = Counts(**by_dimension[dimension.key])
    overall_counts = Counts(**overall)
    pairs = [(unit_id, task_id) for unit_id, entry in expectation.units.items() for task_id in entry.task_ids]
    return RoundMonitoring(
        round=rnd,
        today=today,
        as_of=as_of,
        expectation=expectation,
        units=rows,
        dimensions=[d for d in dimensions if d.task_ids],
        totals=totals,
        counts=overall_counts,
        pair_status=statuses,
        dimension_of_task=dimension_of_task,
        parents=parents,
        evaluations=round_evaluations(rnd, expectation.tasks, pairs),
        lower=lower,
        child_status=child_status,
    )


def timeliness_counter(rows: list[UnitRow]) -> Counter:
    return Counter(r.timeliness for r in rows)
