"""Who must report in a round, and on which tasks.

A unit is expected in a round when a task of the plan names it (as lead or partner, directly or
through a group such as "UBND các xã, thị trấn") and it exists on the round's due date: a commune
merged away in July is expected in the six-month round, not in the yearly one. Groups are expanded
to their members of that day. The plan's issuer reports upward, not to itself, so it is never
expected.

Built from the plans app's public functions, in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chiso.plans.cascade import plan_tasks_with_assignments
from chiso.plans.groups import expand_groups
from chiso.plans.models import Plan, Task, TaskAssignment
from chiso.units.models import Unit


@dataclass
class ExpectedUnit:
    """A unit expected to report, and its tasks in plan order."""

    unit: Unit
    task_ids: list[int] = field(default_factory=list)
    lead_task_ids: set[int] = field(default_factory=set)


@dataclass
class Expectation:
    """Everything a round expects: the plan's tasks (in order) and the units with their tasks."""

    day: dt.date
    tasks: list[Task]
    units: dict[int, ExpectedUnit]

    @property
    def task_by_id(self) -> dict[int, Task]:
        return {t.pk: t for t in self.tasks}

    def pairs(self) -> int:
        return sum(len(e.task_ids) for e in self.units.values())


def expected_for_plan(plan: Plan, day: dt.date, tasks: list[Task] | None = None) -> Expectation:
    """The units expected on `day` and their tasks (five queries at most)."""
    if tasks is None:
        tasks = plan_tasks_with_assignments(plan)
    groups = {a.group.pk: a.group for t in tasks for a in t.assignments.all() if a.group_id}
    expanded = expand_groups(groups.values(), day) if groups else {}
    units: dict[int, ExpectedUnit] = {}
    seen: set[tuple[int, int]] = set()
    issuer_id = plan.issuer_id
    # (unit id, unit) pairs per group, computed once: the loop below runs units × tasks times.
    members_of = {
        group_id: [(u.id, u) for u in members if u.id != issuer_id] for group_id, members in expanded.items()
    }
    lead = TaskAssignment.Role.LEAD
    for task in tasks:
        task_id = task.id
        for assignment in task.assignments.all():
            if assignment.unit_id:
                unit = assignment.unit
                members = [(unit.id, unit)] if unit.id != issuer_id and unit.is_valid_on(day) else []
            else:
                members = members_of.get(assignment.group_id, [])
            is_lead = assignment.role == lead
            for unit_id, unit in members:
                entry = units.get(unit_id)
                if entry is None:
                    entry = units[unit_id] = ExpectedUnit(unit)
                key = (unit_id, task_id)
                if key not in seen:
                    seen.add(key)
                    entry.task_ids.append(task_id)
                if is_lead:
                    entry.lead_task_ids.add(task_id)
    ordered = dict(
        sorted(units.items(), key=lambda item: (item[1].unit.is_division, item[1].unit.name, item[0]))
    )
    return Expectation(day=day, tasks=tasks, units=ordered)


def expected_for_round(rnd, tasks: list[Task] | None = None) -> Expectation:
    """Who reports in round `rnd`: the units that exist on its due date."""
    return expected_for_plan(rnd.plan, rnd.due_on, tasks)
