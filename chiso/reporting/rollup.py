"""Reporting that follows the plans down the tree: a unit's report on its own implementing plan,
and the upper plan's figures rolled up from it.

Rules (plain functions, used by the report, monitoring and consolidation alike):

1. **Which plan a unit reports on.** A unit expected in a round of plan P (see
   `chiso.reporting.expected`) that has issued its own plan L implementing P (`L.upper_plan` is
   P, L in force) reports on L's tasks (`report_lines`): for each task of P assigned to the unit,
   in P's order, the tasks of L that concretise it (`Task.parent_task`), in L's order; a task of
   P the unit did not break down stays as it is; L's tasks that concretise none of the unit's
   upper tasks come last, as the unit's own tasks (reported, not rolled up). The report keeps L
   (`UnitReport.lower_plan`); a report opened before L was issued stays on P's tasks. Units
   without a lower plan report on P's tasks directly.
2. **The status of an upper task** for such a unit comes from its child tasks (`roll_up_status`):
   no child with data → no data; otherwise a child without data counts as not started, and
   every child not applicable → not applicable; every child done or not applicable → done; any
   child overdue → overdue; every child not started → not started; otherwise → in progress. Monitoring applies the rule to the children's
   effective statuses (each child's own due date counts, see `chiso.reporting.monitoring`) and
   then the upper task's own due date, like any pair; consolidation applies it to the statuses
   of the approved report.
3. **The value of an upper task** (`roll_up_value`): the achieved values of the children with a
   measurable target, averaged (unweighted, two decimals, half up) when the target's unit is
   "%", summed otherwise; the upper task's unit decides, else the children's.
4. **Rounds of the lower plan feed the round above.** A round of L may name a round of P as its
   upper round (`ReportingRound.upper_round`); its due date and its consolidation date must come
   before the upper round's due date, and the unit's report in the upper round is pre-filled from
   the approved reports of that lower round (`chiso.reporting.upward`).

`load_lower_plans` reads the lower plans of a round in two queries, whatever the number of
units, tasks and child tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chiso.plans.models import Plan, PlanState, Task

DONE = "done"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
NOT_APPLICABLE = "not_applicable"
OVERDUE = "overdue"
NO_DATA = "no_data"


def roll_up_status(statuses: Iterable[str | None]) -> str:
    """The status of an upper task from its children's statuses (rule 2 of the module).

    A child's status may be a reported `TaskStatus` value, an effective status of monitoring, or
    None / "no_data" when there is nothing approved for it; once any child has data, a child
    without counts as not started.
    """
    raw = list(statuses)
    if all(s in (None, NO_DATA) for s in raw):
        return NO_DATA
    given = [NOT_STARTED if s in (None, NO_DATA) else s for s in raw]
    if all(s == NOT_APPLICABLE for s in given):
        return NOT_APPLICABLE
    if all(s in (DONE, NOT_APPLICABLE) for s in given):
        return DONE
    if OVERDUE in given:
        return OVERDUE
    if all(s == NOT_STARTED for s in given):
        return NOT_STARTED
    return IN_PROGRESS


def is_share(task: Task, children: Sequence[Task] = ()) -> bool:
    """Whether values are shares (%): the upper task's unit decides, else the children's."""
    unit = (task.target_unit or "").strip()
    if not unit:
        units = {(c.target_unit or "").strip() for c in children if c.has_measurable_target}
        unit = units.pop() if len(units) == 1 else ""
    return unit == "%"


def roll_up_value(task: Task, children: Sequence[tuple[Task, Decimal | None]]) -> Decimal | None:
    """The value of an upper task from its children's values (rule 3 of the module)."""
    values = [value for child, value in children if value is not None and child.has_measurable_target]
    if not values:
        return None
    total = sum(values, Decimal(0))
    if is_share(task, [child for child, _value in children]):
        return (total / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return total


def report_lines(
    upper_task_ids: Sequence[int], lead_task_ids: set[int], lower_tasks: Sequence[Task]
) -> list[tuple[int, bool, int | None]]:
    """The tasks of a unit's report on its lower plan (rule 1): (task id, is lead, upper task id).

    `lower_tasks` are the lower plan's tasks in its order. A child task is lead when the unit
    leads the upper task; the unit's own tasks are its own (lead).
    """
    wanted = set(upper_task_ids)
    children: dict[int, list[Task]] = {}
    own: list[Task] = []
    for task in lower_tasks:
        if task.parent_task_id in wanted:
            children.setdefault(task.parent_task_id, []).append(task)
        else:
            own.append(task)
    lines: list[tuple[int, bool, int | None]] = []
    for upper_id in upper_task_ids:
        lead = upper_id in lead_task_ids
        kids = children.get(upper_id)
        if kids:
            lines.extend((child.pk, lead, upper_id) for child in kids)
        else:
            lines.append((upper_id, lead, None))
    lines.extend((task.pk, True, None) for task in own)
    return lines


def lower_plan_for(plan: Plan, unit_id: int) -> Plan | None:
    """The unit's plan in force implementing `plan` (the latest issued), or None."""
    return (
        Plan.objects.filter(upper_plan=plan, issuer_id=unit_id, state=PlanState.ISSUED)
        .order_by("-issued_on", "-id")
        .first()
    )


TASK_FIELDS = (
    "id",
    "plan_id",
    "parent_task_id",
    "position",
    "number",
    "text",
    "target_text",
    "target_op",
    "target_value",
    "target_unit",
    "timeframe_text",
    "due_on",
)


@dataclass
class LowerPlans:
    """Which unit reports on which lower plan in a round, and the child tasks of each upper task."""

    plan_of_unit: dict[int, int] = field(default_factory=dict)
    children: dict[tuple[int, int], list[Task]] = field(default_factory=dict)
    plans: dict[int, dict[str, Any]] = field(default_factory=dict)

    def via(self, unit_id: int) -> bool:
        return unit_id in self.plan_of_unit

    def children_of(self, unit_id: int, task_id: int) -> list[Task]:
        plan_id = self.plan_of_unit.get(unit_id)
        return self.children.get((plan_id, task_id), []) if plan_id else []

    def plan_label(self, unit_id: int) -> str:
        plan = self.plans.get(self.plan_of_unit.get(unit_id, 0))
        if not plan:
            return ""
        return f"{plan['number']}/{plan['symbol']}" if plan["symbol"] else plan["number"]


def load_lower_plans(plan: Plan, report_plans: Mapping[int, int | None]) -> LowerPlans:
    """The lower plans of `plan` the units report on (two queries).

    `report_plans`: {unit id: the lower plan its report in the round is on, or None} for the units
    that have a report; the others follow their plan in force, if any.
    """
    result = LowerPlans()
    rows = (
        Plan.objects.filter(upper_plan=plan)
        .exclude(state=PlanState.DRAFT)
        .order_by("issued_on", "id")
        .values("id", "issuer_id", "state", "number", "symbol")
    )
    for row in rows:
        result.plans[row["id"]] = dict(row)
        if row["state"] == PlanState.ISSUED:
            result.plan_of_unit[row["issuer_id"]] = row["id"]  # the latest issued wins
    for unit_id, plan_id in report_plans.items():
        if plan_id:
            result.plan_of_unit[unit_id] = plan_id
        else:
            result.plan_of_unit.pop(unit_id, None)
    plan_ids = set(result.plan_of_unit.values())
    # Always one query (not skipped when no unit has a lower plan): the count stays the same.
    tasks = (
        Task.objects.filter(plan__upper_plan=plan, parent_task__plan_id=plan.pk)
        .exclude(plan__state=PlanState.DRAFT)
        .only(*TASK_FIELDS)
        .order_by("position", "id")
    )
    for task in tasks:
        parent_id = task.parent_task_id
        if task.plan_id in plan_ids and parent_id is not None:
            result.children.setdefault((task.plan_id, parent_id), []).append(task)
    return result


@dataclass
class RowGroup:
    """Rows of a report under one upper task (its children), or one row on an upper task itself,
    or the unit's own tasks (`upper` None)."""

    upper: Task | None
    rows: list = field(default_factory=list)
    broken_down: bool = False


def _upper_order(group: RowGroup) -> tuple[int, int]:
    upper = group.upper
    return (upper.position, upper.pk) if upper is not None else (0, 0)


def group_rows(rows: Sequence, plan_id: int) -> list[RowGroup]:
    """A report's progress rows grouped under the upper tasks of round plan `plan_id` (rule 1).

    Each row has `.task` with `.parent_task` loaded. Groups follow the upper plan's order; the
    unit's own tasks come last.
    """
    groups: dict[int, RowGroup] = {}
    own = RowGroup(None)
    for row in rows:
        task = row.task
        if task.plan_id == plan_id:
            group = groups.setdefault(task.pk, RowGroup(task))
            group.rows.append(row)
        elif task.parent_task_id and task.parent_task.plan_id == plan_id:
            group = groups.setdefault(task.parent_task_id, RowGroup(task.parent_task))
            group.broken_down = True
            group.rows.append(row)
        else:
            own.rows.append(row)
    ordered = sorted(groups.values(), key=_upper_order)
    for group in ordered:
        group.rows.sort(key=lambda r: (r.task.plan_id != plan_id, r.task.position, r.task.pk))
    own.rows.sort(key=lambda r: (r.task.position, r.task.pk))
    return ordered + ([own] if own.rows else [])
