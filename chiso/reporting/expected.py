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
    for task in tasks:
        for assignment in task.assignments.all():
            if assignment.unit_id:
                members = [assignment.unit] if assignment.unit.is_valid_on(day) else []
            else:
                members = expanded.get(assignment.group_id, [])
            for unit in members:
                if unit.pk == plan.issuer_id:
                    continue
                entry = units.get(unit.pk)
                if entry is None:
                    entry = units[unit.pk] = ExpectedUnit(unit)
                if (unit.pk, task.pk) not in seen:
                    seen.add((unit.pk, task.pk))
                    entry.task_ids.append(task.pk)
                if assignment.role == TaskAssignment.Role.LEAD:
                    entry.lead_task_ids.add(task.pk)
    ordered = dict(
        sorted(units.items(), key=lambda item: (item[1].unit.is_division, item[1].unit.name, item[0]))
    )
    return Expectation(day=day, tasks=tasks, units=ordered)


def expected_for_round(rnd, tasks: list[Task] | None = None) -> Expectation:
    """Who reports in round `rnd`: the units that exist on its due date."""
    return expected_for_plan(rnd.plan, rnd.due_on, tasks)
