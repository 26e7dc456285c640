"""Every change to plans and tasks: validated, permission-checked, audited, in one transaction.

Pages, the API, the demo and imports call these functions; nothing else writes plans. A save that
carries a stale `version` is refused (someone else saved in between), never silently applied.
An `actor` of None means the system itself (demo data, commands) and skips the scope check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.models import AuditEntry
from chiso.core.vndates import short_date
from chiso.plans.models import (
    Plan,
    PlanDeadline,
    PlanReference,
    PlanSection,
    PlanState,
    Task,
    TaskAssignment,
)
from chiso.plans.validation import (
    PLAN_LABELS,
    TASK_LABELS,
    Assignee,
    PlanInput,
    TaskInput,
    clean_plan_input,
    clean_task_input,
    get_value,
    parse_date,
)
from chiso.units.scope import COORDINATE, EDIT, can


def require(actor, action: str, unit) -> None:
    """Refuse when `actor` may not do `action` on `unit` (re-checked inside every write)."""
    if actor is None:
        return
    if not can(actor, action, unit):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với đơn vị %(unit)s.") % {"unit": unit.name}
        )


def stale_plan_message(mine: int, current: int) -> str:
    return _(
        "Kế hoạch đã được người khác sửa trong lúc bạn đang sửa (bạn sửa từ phiên bản %(mine)d, hiện đã là "
        "phiên bản %(current)d). Thay đổi của bạn chưa được lưu; hãy tải lại trang để xem bản mới rồi sửa lại."
    ) % {"mine": mine, "current": current}


def stale_task_message(mine: int, current: int) -> str:
    return _(
        "Nhiệm vụ đã được người khác sửa trong lúc bạn đang sửa (bạn sửa từ phiên bản %(mine)d, hiện đã là "
        "phiên bản %(current)d). Thay đổi của bạn chưa được lưu; hãy tải lại để xem bản mới rồi sửa lại."
    ) % {"mine": mine, "current": current}


def _version_of(data: Mapping) -> int | None:
    raw = get_value(data, "version", None)
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _refuse_issued(plan: Plan, fields: list[str], labels: Mapping) -> None:
    """An issued plan is read-only: refuse, naming every field the request tried to change."""
    message = _(
        "%(field)s: kế hoạch %(ns)s đã ban hành nên không sửa được; hãy tạo bản sửa đổi thay thế "
        "hoặc ban hành kế hoạch sửa đổi, bổ sung."
    )
    names = [f for f in fields if f in labels and f != "version"] or ["__all__"]
    raise ValidationError(
        {
            name: [
                message % {"field": labels.get(name, _("Kế hoạch")), "ns": plan.number_symbol or plan.title}
            ]
            for name in names
        }
    )


# ---------------------------------------------------------------------------------------------
# Plans


def _plan_related_snapshot(plan: Plan) -> dict:
    return {
        "frameworks": sorted(plan.frameworks.values_list("code", flat=True)),
        "sections": [f"{s.depth}|{s.heading}|{len(s.body)}" for s in plan.sections.all()],
        "references": [r.label for r in plan.references.all()],
        "deadlines": [f"{d.label}|{d.due_on.isoformat()}" for d in plan.deadlines.all()],
    }


def _apply_plan_input(plan: Plan, data: PlanInput) -> None:
    for name in PlanInput.SIMPLE_FIELDS:
        setattr(plan, name, getattr(data, name))
    plan.upper_plan = data.upper_plan


def _create_references(plan: Plan, numbered: Iterable[tuple[int, Any]]) -> None:
    """Store the plan's related documents from (position, reference) pairs (inputs or other plans' rows)."""
    PlanReference.objects.bulk_create(
        PlanReference(
            plan=plan,
            kind=r.kind,
            target_id=r.target_id,
            number_symbol=r.number_symbol,
            issued_on=r.issued_on,
            issuer_name=r.issuer_name,
            title=r.title,
            position=position,
        )
        for position, r in numbered
    )


def _save_plan_related(plan: Plan, data: PlanInput) -> None:
    plan.frameworks.set(data.frameworks)
    if data.sections is not None:
        plan.sections.all().delete()
        PlanSection.objects.bulk_create(
            PlanSection(plan=plan, position=i, depth=s.depth, key=s.key, heading=s.heading, body=s.body)
            for i, s in enumerate(data.sections, start=1)
        )
    if data.references is not None:
        plan.references.all().delete()
        _create_references(plan, enumerate(data.references, start=1))
    if data.deadlines is not None:
        plan.deadlines.all().delete()
        PlanDeadline.objects.bulk_create(
            PlanDeadline(plan=plan, label=d.label, due_on=d.due_on, position=i)
            for i, d in enumerate(data.deadlines, start=1)
        )


def _record_related(actor, plan: Plan, before: dict, note: str = "") -> None:
    after = _plan_related_snapshot(plan)
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            actor,
            plan,
            AuditEntry.Action.UPDATE,
            changes,
            note or _("Nội dung, bộ chỉ số, văn bản liên quan"),
        )


def create_plan(actor, issuer, data: Mapping) -> Plan:
    """A new draft plan of `issuer`."""
    require(actor, EDIT, issuer)
    cleaned = clean_plan_input(data, issuer=issuer, user=actor)
    with transaction.atomic():
        require(actor, EDIT, issuer)
        plan = Plan(issuer=issuer, created_by=actor if actor is not None and actor.is_authenticated else None)
        _apply_plan_input(plan, cleaned)
        audit.save_audited(plan, actor, note=_("Tạo kế hoạch"))
        before = _plan_related_snapshot(plan)
        _save_plan_related(plan, cleaned)
        _record_related(actor, plan, before)
    return plan


def update_plan(actor, plan: Plan, data: Mapping, partial: bool = False) -> Plan:
    """Change a draft plan; refused for an issued plan or a stale version."""
    require(actor, EDIT, plan.issuer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
        if locked.state != PlanState.DRAFT:
            _refuse_issued(locked, list(data.keys()), PLAN_LABELS)
        mine = _version_of(data)
        if mine is not None and mine != locked.version:
            raise ValidationError({"version": [stale_plan_message(mine, locked.version)]})
        cleaned = clean_plan_input(data, issuer=locked.issuer, plan=locked, user=actor, partial=partial)
        before = _plan_related_snapshot(locked)
        _apply_plan_input(locked, cleaned)
        locked.version += 1
        audit.save_audited(locked, actor)
        _save_plan_related(locked, cleaned)
        _record_related(actor, locked, before)
    return locked


def issue_plan(
    actor,
    plan: Plan,
    *,
    version: int,
    issued_on: dt.date | str | None = None,
    number_symbol: str | None = None,
) -> Plan:
    """Issue a draft: it gets its number and date and becomes read-only; a plan it replaces is marked replaced."""
    require(actor, EDIT, plan.issuer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
        if locked.state != PlanState.DRAFT:
            raise ValidationError(
                {"__all__": [_("Kế hoạch %(ns)s đã ban hành từ trước.") % {"ns": locked.number_symbol}]}
            )
        if version != locked.version:
            raise ValidationError({"version": [stale_plan_message(version, locked.version)]})
        data: dict = {"version": locked.version}
        if number_symbol is not None:
            data["number_symbol"] = number_symbol
        day = issued_on if issued_on not in (None, "") else timezone.localdate()
        data["issued_on"] = day.isoformat() if isinstance(day, dt.date) else day
        cleaned = clean_plan_input(data, issuer=locked.issuer, plan=locked, user=actor, partial=True)
        if not cleaned.number:
            raise ValidationError(
                {"number_symbol": [_("Số, ký hiệu: cần có số văn bản trước khi ban hành.")]}
            )
        if not locked.tasks.exists() and not locked.sections.exists():
            raise ValidationError(
                {"__all__": [_("Kế hoạch chưa có nội dung và nhiệm vụ nào, chưa thể ban hành.")]}
            )
        today = timezone.localdate()
        if cleaned.issued_on > today:
            raise ValidationError(
                {
                    "issued_on": [
                        _("Ngày ban hành: không được sau hôm nay (%(d)s).") % {"d": short_date(today)}
                    ]
                }
            )
        locked.number, locked.symbol, locked.issued_on = cleaned.number, cleaned.symbol, cleaned.issued_on
        if locked.issued_on.year > locked.year_to:
            raise ValidationError(
                {"issued_on": [_("Ngày ban hành: năm ban hành nằm sau thời kỳ của kế hoạch.")]}
            )
        locked.state = PlanState.ISSUED
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Ban hành kế hoạch"))
        if locked.replaces_id:
            old = Plan.objects.select_for_update().get(pk=locked.replaces_id)
            if old.state == PlanState.ISSUED:
                old.state = PlanState.REPLACED
                old.closed_on = locked.issued_on
                old.version += 1
                audit.save_audited(
                    old, actor, note=_("Được thay thế bởi kế hoạch %(ns)s") % {"ns": locked.number_symbol}
                )
    return locked


def close_plan(actor, plan: Plan, *, version: int, closed_on: dt.date | None = None) -> Plan:
    """An issued plan ends (its period is over, or it is withdrawn)."""
    require(actor, EDIT, plan.issuer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.state != PlanState.ISSUED:
            raise ValidationError({"__all__": [_("Chỉ kết thúc được kế hoạch đang có hiệu lực.")]})
        if version != locked.version:
            raise ValidationError({"version": [stale_plan_message(version, locked.version)]})
        locked.state = PlanState.CLOSED
        locked.closed_on = closed_on or timezone.localdate()
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Kết thúc kế hoạch"))
    return locked


def delete_plan(actor, plan: Plan) -> None:
    """Delete a draft (an issued plan stays in the history)."""
    require(actor, EDIT, plan.issuer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.state != PlanState.DRAFT:
            raise ValidationError(
                {"__all__": [_("Kế hoạch đã ban hành không xóa được; hãy kết thúc hoặc thay thế.")]}
            )
        if locked.lower_plans.exists():
            raise ValidationError(
                {"__all__": [_("Kế hoạch đã có kế hoạch cấp dưới thực hiện, không xóa được.")]}
            )
        for task in locked.tasks.all():
            audit.delete_audited(task, actor, note=_("Xóa cùng dự thảo kế hoạch"))
        audit.delete_audited(locked, actor, note=_("Xóa dự thảo kế hoạch"))


def create_revision(actor, plan: Plan) -> Plan:
    """A draft that copies an issued plan and replaces it once issued: how an issued plan is changed."""
    require(actor, EDIT, plan.issuer)
    with transaction.atomic():
        source = Plan.objects.select_for_update().get(pk=plan.pk)
        if source.state != PlanState.ISSUED:
            raise ValidationError({"__all__": [_("Chỉ tạo bản sửa đổi từ kế hoạch đang có hiệu lực.")]})
        if source.replaced_by.filter(state=PlanState.DRAFT).exists():
            raise ValidationError({"__all__": [_("Kế hoạch này đã có một dự thảo sửa đổi đang soạn.")]})
        revision = _copy_plan(actor, source, replaces=source)
    return revision


def _copy_plan(actor, source: Plan, replaces: Plan | None) -> Plan:
    copy = Plan(
        issuer=source.issuer,
        issuer_label=source.issuer_label,
        issuer_parent_label=source.issuer_parent_label,
        number="",
        symbol=source.symbol,
        place=source.place,
        title=source.title,
        year_from=source.year_from,
        year_to=source.year_to,
        upper_plan=source.upper_plan,
        replaces=replaces,
        preamble=source.preamble,
        appendix_title=source.appendix_title,
        recipients=source.recipients,
        signer_authority=source.signer_authority,
        signer_title=source.signer_title,
        signer_name=source.signer_name,
        lower_plan_due_on=source.lower_plan_due_on,
        lower_plan_due_working_days=source.lower_plan_due_working_days,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.save_audited(
        copy,
        actor,
        note=_("Bản sửa đổi của kế hoạch %(ns)s") % {"ns": source.number_symbol} if replaces else "",
    )
    copy.frameworks.set(source.frameworks.all())
    PlanSection.objects.bulk_create(
        PlanSection(plan=copy, position=s.position, depth=s.depth, key=s.key, heading=s.heading, body=s.body)
        for s in source.sections.all()
    )
    _create_references(copy, ((r.position, r) for r in source.references.all()))
    PlanDeadline.objects.bulk_create(
        PlanDeadline(plan=copy, label=d.label, due_on=d.due_on, position=d.position)
        for d in source.deadlines.all()
    )
    tasks = list(source.tasks.prefetch_related("criteria", "assignments"))
    copy_tasks(actor, copy, tasks)
    return copy


def copy_tasks(actor, plan: Plan, tasks: list[Task], parent_of_copy: bool = False) -> list[Task]:
    """Copy tasks (fields, criteria, assignments) into `plan`, audited, in few queries."""
    copies = []
    for task in tasks:
        copies.append(
            Task(
                plan=plan,
                position=task.position,
                group_code=task.group_code,
                group_title=task.group_title,
                number=task.number,
                criterion_label=task.criterion_label,
                text=task.text,
                target_text=task.target_text,
                target_metric=task.target_metric,
                target_op=task.target_op,
                target_value=task.target_value,
                target_unit=task.target_unit,
                output=task.output,
                lead_text=task.lead_text,
                partners_text=task.partners_text,
                timeframe_text=task.timeframe_text,
                timeframe_kind=task.timeframe_kind,
                start_on=task.start_on,
                end_on=task.end_on,
                due_on=task.due_on,
                parent_task=task if parent_of_copy else task.parent_task,
                note=task.note,
            )
        )
    Task.objects.bulk_create(copies)
    through = Task.criteria.through
    through.objects.bulk_create(
        through(task_id=copy.pk, criterion_id=c.pk)
        for task, copy in zip(tasks, copies, strict=True)
        for c in task.criteria.all()
    )
    TaskAssignment.objects.bulk_create(
        TaskAssignment(
            task=copy, role=a.role, unit_id=a.unit_id, group_id=a.group_id, label=a.label, position=a.position
        )
        for task, copy in zip(tasks, copies, strict=True)
        for a in task.assignments.all()
    )
    audit.record_bulk_create(actor, copies, note=_("Sao chép nhiệm vụ"))
    return copies


# ---------------------------------------------------------------------------------------------
# Tasks


def _task_related_snapshot(task: Task) -> dict:
    assignments = list(task.assignments.all())
    return {
        "criteria": sorted(str(c) for c in task.criteria.all()),
        "leads": [a.display for a in assignments if a.role == TaskAssignment.Role.LEAD],
        "partners": [a.display for a in assignments if a.role == TaskAssignment.Role.PARTNER],
    }


def _apply_task_input(task: Task, data: TaskInput) -> None:
    for name in TaskInput.SIMPLE_FIELDS:
        setattr(task, name, getattr(data, name))


def _save_task_related(task: Task, data: TaskInput) -> None:
    task.criteria.set(data.criteria)
    task.assignments.all().delete()
    TaskAssignment.objects.bulk_create(
        [_assignment(task, TaskAssignment.Role.LEAD, a, i) for i, a in enumerate(data.leads, start=1)]
        + [_assignment(task, TaskAssignment.Role.PARTNER, a, i) for i, a in enumerate(data.partners, start=1)]
    )


def _assignment(task: Task, role: str, assignee: Assignee, position: int) -> TaskAssignment:
    return TaskAssignment(
        task=task,
        role=role,
        unit=assignee.unit,
        group=assignee.group,
        label=assignee.label,
        position=position,
    )


def _lock_draft_plan(plan: Plan, data: Mapping | None = None) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.state != PlanState.DRAFT:
        _refuse_issued(locked, list((data or {}).keys()), TASK_LABELS)
    return locked


def add_task(actor, plan: Plan, data: Mapping, after: Task | None = None) -> Task:
    """A new task at the end of the plan (or right after `after`)."""
    require(actor, EDIT, plan.issuer)
    with transaction.atomic():
        locked = _lock_draft_plan(plan, data)
        cleaned = clean_task_input(data, plan=locked, user=actor)
        if after is not None:
            position = after.position + 1
            locked.tasks.filter(position__gte=position).update(position=F("position") + 1)
        else:
            position = (locked.tasks.aggregate(top=Max("position"))["top"] or 0) + 1
        task = Task(plan=locked, position=position)
        _apply_task_input(task, cleaned)
        audit.save_audited(task, actor, note=_("Thêm nhiệm vụ"))
        _save_task_related(task, cleaned)
        changes = audit.diff({}, _task_related_snapshot(task))
        if changes:
            audit.record(actor, task, AuditEntry.Action.UPDATE, changes, _("Tiêu chí, đơn vị"))
    return task


def update_task(actor, task: Task, data: Mapping, partial: bool = False) -> Task:
    """Change a task of a draft plan; a stale `version` is refused with a message."""
    require(actor, EDIT, task.plan.issuer)
    with transaction.atomic():
        plan = _lock_draft_plan(task.plan, data)
        locked = Task.objects.select_for_update().filter(pk=task.pk, plan=plan).first()
        if locked is None:
            raise ValidationError({"__all__": [_("Nhiệm vụ này đã bị xóa.")]})
        mine = _version_of(data)
        if mine is None:
            raise ValidationError({"version": [_("Phiên bản: thiếu số phiên bản của bản đang sửa.")]})
        if mine != locked.version:
            raise ValidationError({"version": [stale_task_message(mine, locked.version)]})
        cleaned = clean_task_input(data, plan=plan, task=locked, user=actor, partial=partial)
        before = _task_related_snapshot(locked)
        _apply_task_input(locked, cleaned)
        locked.version += 1
        audit.save_audited(locked, actor)
        _save_task_related(locked, cleaned)
        changes = audit.diff(before, _task_related_snapshot(locked))
        if changes:
            audit.record(actor, locked, AuditEntry.Action.UPDATE, changes, _("Tiêu chí, đơn vị"))
    return locked


def delete_task(actor, task: Task, version: int | None) -> None:
    require(actor, EDIT, task.plan.issuer)
    with transaction.atomic():
        plan = _lock_draft_plan(task.plan)
        locked = Task.objects.select_for_update().filter(pk=task.pk, plan=plan).first()
        if locked is None:
            return
        if version is not None and version != locked.version:
            raise ValidationError({"version": [stale_task_message(version, locked.version)]})
        if locked.child_tasks.exists():
            raise ValidationError({"__all__": [_("Nhiệm vụ đã được cấp dưới cụ thể hóa, không xóa được.")]})
        audit.delete_audited(locked, actor, note=_("Xóa nhiệm vụ"))
        plan.tasks.filter(position__gt=locked.position).update(position=F("position") - 1)


def move_task(actor, task: Task, direction: str) -> None:
    """Swap a task with its neighbour above ("up") or below ("down")."""
    require(actor, EDIT, task.plan.issuer)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("Hướng di chuyển không hợp lệ.")]})
    with transaction.atomic():
        plan = _lock_draft_plan(task.plan)
        _renumber_if_needed(plan)
        locked = Task.objects.get(pk=task.pk, plan=plan)
        if direction == "up":
            other = plan.tasks.filter(position__lt=locked.position).order_by("-position").first()
        else:
            other = plan.tasks.filter(position__gt=locked.position).order_by("position").first()
        if other is None:
            return
        a, b = locked.position, other.position
        Task.objects.filter(pk=locked.pk).update(position=b)
        Task.objects.filter(pk=other.pk).update(position=a)
        audit.record(actor, locked, AuditEntry.Action.UPDATE, {"position": [a, b]}, _("Đổi thứ tự"))
        audit.record(actor, other, AuditEntry.Action.UPDATE, {"position": [b, a]}, _("Đổi thứ tự"))


def _renumber_if_needed(plan: Plan) -> None:
    """Positions 1..n without gaps or ties (a reorder needs them distinct)."""
    rows = list(plan.tasks.order_by("position", "id").values_list("pk", "position"))
    if [p for _pk, p in rows] == list(range(1, len(rows) + 1)):
        return
    for index, (pk, position) in enumerate(rows, start=1):
        if position != index:
            Task.objects.filter(pk=pk).update(position=index)


def copy_task(actor, task: Task) -> Task:
    """A copy of a task right below it."""
    require(actor, EDIT, task.plan.issuer)
    with transaction.atomic():
        plan = _lock_draft_plan(task.plan)
        source = Task.objects.prefetch_related("criteria", "assignments").get(pk=task.pk, plan=plan)
        plan.tasks.filter(position__gt=source.position).update(position=F("position") + 1)
        [copy] = copy_tasks(actor, plan, [source])
        Task.objects.filter(pk=copy.pk).update(position=source.position + 1)
        copy.position = source.position + 1
    return copy


def set_lower_plan_deadline(actor, plan: Plan, *, version: int, due_on=None, working_days=None) -> Plan:
    """The upper plan's deadline for lower plans: a date or N working days after its issue date.

    Allowed on an issued plan too (a coordinator sets it when cascading); audited like any change.
    """
    require(actor, COORDINATE, plan.issuer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if version != locked.version:
            raise ValidationError({"version": [stale_plan_message(version, locked.version)]})
        label_date = str(PLAN_LABELS["lower_plan_due_on"])
        day = parse_date(due_on, label_date) if due_on not in (None, "") else None
        days = None
        if working_days not in (None, ""):
            try:
                days = int(working_days)
            except (TypeError, ValueError):
                days = -1
            if not 1 <= days <= 365:
                raise ValidationError(
                    {
                        "lower_plan_due_working_days": [
                            _("Số ngày làm việc để cấp dưới ban hành kế hoạch: phải từ 1 đến 365.")
                        ]
                    }
                )
        if day and days:
            raise ValidationError(
                {
                    "lower_plan_due_on": [
                        _(
                            "Hạn ban hành kế hoạch cấp dưới: chọn ngày hoặc số ngày làm việc, không chọn cả hai."
                        )
                    ]
                }
            )
        if day and locked.issued_on and day < locked.issued_on:
            raise ValidationError(
                {
                    "lower_plan_due_on": [
                        _("Hạn ban hành kế hoạch cấp dưới: không được trước ngày ban hành kế hoạch (%(d)s).")
                        % {"d": short_date(locked.issued_on)}
                    ]
                }
            )
        locked.lower_plan_due_on, locked.lower_plan_due_working_days = day, days
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Hạn ban hành kế hoạch cấp dưới"))
    return locked
