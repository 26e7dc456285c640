"""Does a plan meet the rules plans lay down for it? Plain functions returning findings.

The rules (Mộc Châu 2022, IV.1.1, and the cascade):
- the plan covers every dimension of each framework version it addresses;
- every upper task assigned to the unit has at least one child task in its lower plan;
- every task names a lead unit, a measurable target or an expected output, and a timeframe
  with a due date (or "continuous");
- a lower plan is issued by the upper plan's deadline for lower plans;
- a lower plan adapts what it was given: a task whose text and target are still the parent's word
  for word is flagged "copied" (the cascade's draft marks it "Cần cụ thể hóa" until the unit changes
  it), and a parent task whose children are all such copies is not concretised;
- no target counts a population the unit is not ("100% các xã, phường" in a commune's plan): the
  rule is in chiso.plans.populations.

`check_plan` checks one plan. `lower_plans_matrix` checks every lower plan of an upper plan at
once, in a number of queries that does not grow with the number of units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core.vndates import short_date
from chiso.frameworks.models import Criterion, CriterionLevel, FrameworkVersion
from chiso.plans.models import Plan, PlanState, Task, TaskAssignment, TimeframeKind, copied_unchanged
from chiso.plans.populations import inapplicable_populations
from chiso.units.models import Unit

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One unmet rule, with a Vietnamese message and what it is about."""

    code: str
    message: str
    severity: str = ERROR
    task_id: int | None = None
    criterion_id: int | None = None
    unit_id: int | None = None


@dataclass
class TaskFacts:
    id: int
    plan_id: int
    position: int
    number: str
    text: str
    target_text: str = ""
    target_op: str = ""
    target_value: object = None
    target_unit: str = ""
    criteria: set[int] = field(default_factory=set)
    assigned: list[tuple[int | None, str]] = field(default_factory=list)  # (unit id, kind) of assignees
    has_lead: bool = False
    measurable: bool = False
    has_output: bool = False
    timeframe_kind: str = TimeframeKind.UNKNOWN
    due_on: dt.date | None = None
    parent_task_id: int | None = None

    @property
    def label(self) -> str:
        text = self.text if len(self.text) <= 60 else self.text[:57].rstrip() + "…"
        head = (
            _("Nhiệm vụ %(n)s") % {"n": self.number}
            if self.number
            else _("Nhiệm vụ dòng %(n)d") % {"n": self.position}
        )
        return f"{head} “{text}”"


@dataclass
class PlanFacts:
    plan: Plan
    tasks: list[TaskFacts] = field(default_factory=list)
    version_ids: list[int] = field(default_factory=list)


@dataclass
class Dimension:
    id: int
    version_id: int
    code: str
    name: str


@dataclass
class DimensionIndex:
    """The dimensions of some framework versions and, for every criterion, the dimension it sits in."""

    dimensions: dict[int, list[Dimension]]  # version id → dimensions in order
    dimension_of: dict[int, int]  # criterion id → dimension id
    versions: dict[int, FrameworkVersion]

    def covered(self, criterion_ids: Iterable[int]) -> set[int]:
        return {self.dimension_of[c] for c in criterion_ids if c in self.dimension_of}


def load_dimensions(version_ids: Iterable[int]) -> DimensionIndex:
    """Two queries for any number of versions."""
    version_ids = sorted(set(version_ids))
    versions = {
        v.pk: v for v in FrameworkVersion.objects.filter(pk__in=version_ids).select_related("framework")
    }
    rows = list(
        Criterion.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "position", "id")
        .values("id", "parent_id", "level", "code", "name_vi", "version_id")
    )
    by_id = {row["id"]: row for row in rows}
    dimensions: dict[int, list[Dimension]] = {pk: [] for pk in version_ids}
    for row in rows:
        if row["level"] == CriterionLevel.DIMENSION or (row["parent_id"] is None):
            dimensions[row["version_id"]].append(
                Dimension(row["id"], row["version_id"], row["code"], row["name_vi"])
            )
    dimension_ids = {d.id for dims in dimensions.values() for d in dims}
    dimension_of: dict[int, int] = {}
    for row in rows:
        node = row
        seen = 0
        while node is not None and node["id"] not in dimension_ids and seen < 20:
            node = by_id.get(node["parent_id"])
            seen += 1
        if node is not None and node["id"] in dimension_ids:
            dimension_of[row["id"]] = node["id"]
    return DimensionIndex(dimensions, dimension_of, versions)


def load_facts(plans: list[Plan]) -> dict[int, PlanFacts]:
    """Tasks, their criteria and lead presence, and the plans' framework versions: four queries."""
    facts = {plan.pk: PlanFacts(plan) for plan in plans}
    if not plans:
        return facts
    ids = list(facts)
    task_rows = (
        Task.objects.filter(plan_id__in=ids)
        .order_by("plan_id", "position", "id")
        .values(
            "id",
            "plan_id",
            "position",
            "number",
            "text",
            "target_text",
            "target_op",
            "target_value",
            "target_unit",
            "output",
            "timeframe_kind",
            "due_on",
            "parent_task_id",
        )
    )
    tasks: dict[int, TaskFacts] = {}
    for row in task_rows:
        task = TaskFacts(
            id=row["id"],
            plan_id=row["plan_id"],
            position=row["position"],
            number=row["number"],
            text=row["text"],
            target_text=row["target_text"],
            target_op=row["target_op"],
            target_value=row["target_value"],
            target_unit=row["target_unit"],
            measurable=bool(row["target_op"]) and row["target_value"] is not None,
            has_output=bool(row["output"].strip()),
            timeframe_kind=row["timeframe_kind"],
            due_on=row["due_on"],
            parent_task_id=row["parent_task_id"],
        )
        tasks[task.id] = task
        facts[task.plan_id].tasks.append(task)
    through = Task.criteria.through
    for task_id, criterion_id in through.objects.filter(task__plan_id__in=ids).values_list(
        "task_id", "criterion_id"
    ):
        tasks[task_id].criteria.add(criterion_id)
    for task_id, role, unit_id, unit_kind, group_kinds in TaskAssignment.objects.filter(
        task__plan_id__in=ids
    ).values_list("task_id", "role", "unit_id", "unit__kind", "group__member_kinds"):
        task = tasks[task_id]
        task.has_lead = task.has_lead or role == TaskAssignment.Role.LEAD
        if unit_id:
            task.assigned.append((unit_id, unit_kind))
        else:
            task.assigned += [(None, k.strip()) for k in (group_kinds or "").split(",") if k.strip()]
    plan_versions = Plan.frameworks.through
    for plan_id, version_id in plan_versions.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "frameworkversion_id"
    ):
        facts[plan_id].version_ids.append(version_id)
    return facts


# ---------------------------------------------------------------------------------------------
# The rules


def check_coverage(facts: PlanFacts, index: DimensionIndex) -> list[Finding]:
    """Every dimension of each addressed framework version has at least one task."""
    findings = []
    covered = index.covered(c for t in facts.tasks for c in t.criteria)
    for version_id in facts.version_ids:
        version = index.versions.get(version_id)
        for dim in index.dimensions.get(version_id, []):
            if dim.id not in covered:
                findings.append(
                    Finding(
                        "dimension_missing",
                        _("Chưa có nhiệm vụ nào cho chỉ số nội dung “%(code)s %(name)s” (%(version)s).")
                        % {"code": dim.code, "name": dim.name, "version": version.name if version else ""},
                        criterion_id=dim.id,
                    )
                )
    return findings


def check_tasks(facts: PlanFacts) -> list[Finding]:
    """Every task has a lead unit, a measurable target or an output, and a due date or "continuous"."""
    findings = []
    for task in facts.tasks:
        if not task.has_lead:
            findings.append(
                Finding(
                    "no_lead", _("%(task)s: chưa có đơn vị chủ trì.") % {"task": task.label}, task_id=task.id
                )
            )
        if not task.measurable and not task.has_output:
            findings.append(
                Finding(
                    "no_measure",
                    _("%(task)s: chưa có chỉ tiêu đo được hoặc kết quả, sản phẩm.") % {"task": task.label},
                    task_id=task.id,
                )
            )
        if task.timeframe_kind != TimeframeKind.CONTINUOUS and task.due_on is None:
            findings.append(
                Finding(
                    "no_due",
                    _("%(task)s: thời gian thực hiện chưa có hạn hoàn thành (hoặc “thường xuyên”).")
                    % {"task": task.label},
                    task_id=task.id,
                )
            )
    return findings


def check_concretised(facts: PlanFacts, parents: list[TaskFacts], upper: Plan) -> list[Finding]:
    """Every upper task assigned to the unit has at least one child task in its plan, and one of them
    is more than a word-for-word copy of it."""
    children: dict[int, list[TaskFacts]] = {}
    for task in facts.tasks:
        if task.parent_task_id:
            children.setdefault(task.parent_task_id, []).append(task)
    findings = []
    for parent in parents:
        mine = children.get(parent.id, [])
        label = parent.label[:1].lower() + parent.label[1:]
        if not mine:
            message = _("Chưa cụ thể hóa %(task)s của Kế hoạch %(ns)s.")
            findings.append(
                Finding(
                    "parent_missing", message % {"task": label, "ns": upper.number_symbol}, task_id=parent.id
                )
            )
        elif all(copied_unchanged(child, parent) for child in mine):
            message = _(
                "Chưa cụ thể hóa %(task)s của Kế hoạch %(ns)s: nhiệm vụ và chỉ tiêu vẫn chép nguyên văn."
            )
            findings.append(
                Finding(
                    "parent_not_concretised",
                    message % {"task": label, "ns": upper.number_symbol},
                    task_id=parent.id,
                )
            )
    return findings


def check_adapted(facts: PlanFacts, upper_tasks: dict[int, TaskFacts]) -> list[Finding]:
    """Tasks copied unchanged from their parent, and targets about a population the unit is not."""
    issuer = facts.plan.issuer
    findings = []
    for task in facts.tasks:
        parent = upper_tasks.get(task.parent_task_id) if task.parent_task_id else None
        if copied_unchanged(task, parent):
            findings.append(
                Finding(
                    "copied",
                    _("%(task)s: nhiệm vụ và chỉ tiêu chép nguyên văn từ kế hoạch cấp trên, cần cụ thể hóa.")
                    % {"task": task.label},
                    severity=WARNING,
                    task_id=task.id,
                )
            )
        text = " ".join(filter(None, [task.target_text, task.target_unit]))
        for population in inapplicable_populations(text, issuer.kind, issuer.pk, task.assigned):
            findings.append(
                Finding(
                    "population",
                    _(
                        "%(task)s: chỉ tiêu “%(target)s” tính trên %(population)s, không phải đơn vị của "
                        "%(unit)s; cần cụ thể hóa chỉ tiêu cho đơn vị."
                    )
                    % {
                        "task": task.label,
                        "target": task.target_text,
                        "population": population.label,
                        "unit": issuer.name,
                    },
                    task_id=task.id,
                )
            )
    return findings


@dataclass(frozen=True)
class Timeliness:
    deadline: dt.date | None
    issued_on: dt.date | None
    on_time: bool | None  # None: no deadline, or not issued and not yet due
    late_days: int = 0  # working days late


def timeliness(plan: Plan | None, deadline: dt.date | None, today: dt.date, calendar=None) -> Timeliness:
    from chiso.core.workdays import working_days_between

    issued_on = plan.issued_on if plan is not None and plan.state != PlanState.DRAFT else None
    if deadline is None:
        return Timeliness(None, issued_on, None)
    if issued_on is not None:
        if issued_on <= deadline:
            return Timeliness(deadline, issued_on, True)
        return Timeliness(deadline, issued_on, False, working_days_between(deadline, issued_on, calendar))
    if today > deadline:
        return Timeliness(deadline, None, False, working_days_between(deadline, today, calendar))
    return Timeliness(deadline, None, None)


def check_timeliness(result: Timeliness) -> list[Finding]:
    if result.on_time is not False:
        return []
    if result.issued_on:
        return [
            Finding(
                "issued_late",
                _("Ban hành ngày %(issued)s, chậm %(n)d ngày làm việc so với hạn %(due)s.")
                % {
                    "issued": short_date(result.issued_on),
                    "n": result.late_days,
                    "due": short_date(result.deadline),
                },
            )
        ]
    return [
        Finding(
            "not_issued_overdue",
            _("Chưa ban hành, đã quá hạn %(due)s (%(n)d ngày làm việc).")
            % {"due": short_date(result.deadline), "n": result.late_days},
        )
    ]


# ---------------------------------------------------------------------------------------------
# One plan, and all lower plans of an upper plan


def assigned_parent_tasks(upper: Plan, unit_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """{unit id: ids of the upper plan's tasks assigned to it}."""
    from chiso.plans.cascade import assigned_units

    assigned = assigned_units(upper)
    wanted = None if unit_ids is None else set(unit_ids)
    return {pk: entry.task_ids for pk, entry in assigned.items() if wanted is None or pk in wanted}


def check_plan(plan: Plan, today: dt.date | None = None) -> list[Finding]:
    """Every finding for one plan (with its upper plan's rules when it implements one in chiso)."""
    today = today or timezone.localdate()
    plans = [plan]
    upper = plan.upper_plan if plan.upper_plan_id else None
    if upper is not None:
        plans.append(upper)
    facts = load_facts(plans)
    mine = facts[plan.pk]
    index = load_dimensions(mine.version_ids)
    findings = check_coverage(mine, index) + check_tasks(mine)
    upper_tasks = {t.id: t for t in facts[upper.pk].tasks} if upper is not None else {}
    findings += check_adapted(mine, upper_tasks)
    if upper is not None:
        parents = [
            upper_tasks[i] for i in assigned_parent_tasks(upper, [plan.issuer_id]).get(plan.issuer_id, [])
        ]
        findings += check_concretised(mine, parents, upper)
        findings += check_timeliness(timeliness(plan, upper.lower_plan_deadline(), today))
    return findings


@dataclass
class MatrixRow:
    unit: Unit
    plan: Plan | None
    assigned_tasks: int
    timeliness: Timeliness
    missing_dimensions: list[Finding]
    missing_parents: list[Finding]
    task_findings: list[Finding]

    @property
    def issued(self) -> bool:
        return self.plan is not None and self.plan.state != PlanState.DRAFT

    @property
    def has_plan(self) -> bool:
        return self.plan is not None

    @property
    def dimensions_ok(self) -> bool | None:
        return None if self.plan is None else not self.missing_dimensions

    @property
    def tasks_ok(self) -> bool | None:
        return None if self.plan is None else not self.missing_parents

    @property
    def findings(self) -> list[Finding]:
        return (
            check_timeliness(self.timeliness)
            + self.missing_dimensions
            + self.missing_parents
            + self.task_findings
        )

    @property
    def ok(self) -> bool:
        return self.issued and self.timeliness.on_time is not False and not self.findings


@dataclass
class Matrix:
    upper: Plan
    deadline: dt.date | None
    rows: list[MatrixRow]

    @property
    def without_plan(self) -> list[MatrixRow]:
        return [row for row in self.rows if row.plan is None]

    @property
    def summary(self) -> dict[str, int]:
        return {
            "units": len(self.rows),
            "issued": sum(1 for r in self.rows if r.issued),
            "on_time": sum(1 for r in self.rows if r.timeliness.on_time),
            "late": sum(1 for r in self.rows if r.timeliness.on_time is False),
            "without_plan": len(self.without_plan),
            "dimensions_missing": sum(1 for r in self.rows if r.dimensions_ok is False),
            "tasks_missing": sum(1 for r in self.rows if r.tasks_ok is False),
        }


def lower_plans_matrix(upper: Plan, today: dt.date | None = None) -> Matrix:
    """Assigned units × (plan issued? on time? dimensions covered? tasks concretised?).

    Queries: the upper plan's tasks and assignments, group members, the lower plans, their facts
    and the framework dimensions — the same number for 5 units or 500.
    """
    from chiso.core.workdays import load_calendar
    from chiso.plans.cascade import assigned_units, plan_tasks_with_assignments

    today = today or timezone.localdate()
    upper_tasks = plan_tasks_with_assignments(upper)
    assigned = assigned_units(upper, upper_tasks)
    lower_plans = {}
    for lower in (
        Plan.objects.filter(upper_plan=upper)
        .exclude(state=PlanState.REPLACED)
        .select_related("issuer")
        .order_by("id")
    ):
        # The newest plan of a unit counts (a revision replaces the first one).
        lower_plans[lower.issuer_id] = lower
    facts = load_facts([upper, *lower_plans.values()])
    upper_facts = {t.id: t for t in facts[upper.pk].tasks}
    index = load_dimensions({v for f in facts.values() for v in f.version_ids})
    deadline = upper.lower_plan_deadline()
    calendar = load_calendar(deadline, max(today, deadline) + dt.timedelta(days=400)) if deadline else None
    rows = []
    for unit_id, entry in assigned.items():
        lower = lower_plans.get(unit_id)
        if lower is None:
            rows.append(
                MatrixRow(
                    entry.unit,
                    None,
                    len(entry.task_ids),
                    timeliness(None, deadline, today, calendar),
                    [],
                    [],
                    [],
                )
            )
            continue
        mine = facts[lower.pk]
        parents = [upper_facts[i] for i in entry.task_ids if i in upper_facts]
        rows.append(
            MatrixRow(
                unit=entry.unit,
                plan=lower,
                assigned_tasks=len(entry.task_ids),
                timeliness=timeliness(lower, deadline, today, calendar),
                missing_dimensions=check_coverage(mine, index),
                missing_parents=check_concretised(mine, parents, upper),
                task_findings=check_tasks(mine) + check_adapted(mine, upper_facts),
            )
        )
    return Matrix(upper=upper, deadline=deadline, rows=rows)
