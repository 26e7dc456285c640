"""The cascade: from an issued plan, every assigned unit gets a draft of its implementing plan.

The draft is pre-filled with the tasks assigned to the unit (as lead or partner; a group such as
"UBND các xã, thị trấn" counts for each of its members on the upper plan's issue date), each
linked to the upper task it concretises, and with the upper plan's text adapted to the unit: its
name and level, "Thực hiện Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên…",
and its own reporting dates.

The draft's tasks are the upper plan's word for word, so each is marked "Cần cụ thể hóa" until the
unit changes its text or target (`Task.to_concretise`; conformance flags the copies).

On the page the coordinator chooses the units (none is ticked until they tick them or choose
"all"), and `cascade_preview` says which drafts will be created before `cascade_plan` creates them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.text import fold
from chiso.plans.groups import expand_groups
from chiso.plans.models import (
    Plan,
    PlanDeadline,
    PlanSection,
    PlanState,
    Task,
    TaskAssignment,
    authority_name,
    lower_first,
)
from chiso.plans.services import require
from chiso.plans.validation import reference_date
from chiso.units.models import DIVISION_LEVEL, Unit, UnitKind
from chiso.units.scope import COORDINATE


@dataclass
class Assigned:
    """A unit the plan assigns tasks to, and those tasks (in plan order)."""

    unit: Unit
    task_ids: list[int] = field(default_factory=list)
    lead_task_ids: set[int] = field(default_factory=set)


def plan_tasks_with_assignments(plan: Plan) -> list[Task]:
    return list(
        plan.tasks.order_by("position", "id").prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit", "group"))
        )
    )


def assigned_units(
    plan: Plan, tasks: list[Task] | None = None, on: dt.date | None = None
) -> dict[int, Assigned]:
    """{unit id: Assigned} for every unit the plan's tasks name, groups expanded; the issuer excluded.

    A constant number of queries, whatever the number of units and tasks.
    """
    if tasks is None:
        tasks = plan_tasks_with_assignments(plan)
    groups = {a.group.pk: a.group for t in tasks for a in t.assignments.all() if a.group_id}
    expanded = expand_groups(groups.values(), on or reference_date(plan))
    result: dict[int, Assigned] = {}
    for task in tasks:
        for assignment in task.assignments.all():
            units = [assignment.unit] if assignment.unit_id else expanded[assignment.group_id]
            for unit in units:
                if unit.pk == plan.issuer_id:
                    continue
                entry = result.setdefault(unit.pk, Assigned(unit))
                if task.pk not in entry.task_ids:
                    entry.task_ids.append(task.pk)
                if assignment.role == TaskAssignment.Role.LEAD:
                    entry.lead_task_ids.add(task.pk)
    return dict(
        sorted(result.items(), key=lambda item: (item[1].unit.kind in DIVISION_LEVEL, item[1].unit.name))
    )


@dataclass
class CascadeResult:
    created: list[Plan]
    existing: list[Plan]


def _only_chosen(assigned: dict[int, Assigned], unit_ids: list[int] | None) -> dict[int, Assigned]:
    """The chosen units of `assigned` (all when None); a unit the plan does not assign is refused."""
    if unit_ids is None:
        return assigned
    unknown = [pk for pk in unit_ids if pk not in assigned]
    if unknown:
        names = dict(Unit.objects.filter(pk__in=unknown).values_list("pk", "name"))
        raise ValidationError(
            {
                "units": [
                    _("Đơn vị “%(u)s” không được giao nhiệm vụ nào trong kế hoạch này.")
                    % {"u": names.get(pk, str(pk))}
                    for pk in unknown
                ]
            }
        )
    return {pk: entry for pk, entry in assigned.items() if pk in set(unit_ids)}


def cascade_preview(plan: Plan, unit_ids: list[int]) -> list[Unit]:
    """The units that `cascade_plan(actor, plan, unit_ids)` would give a draft (those without a plan)."""
    chosen = _only_chosen(assigned_units(plan), unit_ids)
    existing = set(
        Plan.objects.filter(upper_plan=plan, issuer_id__in=chosen).values_list("issuer_id", flat=True)
    )
    return [entry.unit for pk, entry in chosen.items() if pk not in existing]


def cascade_plan(actor, plan: Plan, unit_ids: list[int] | None = None) -> CascadeResult:
    """Give each assigned unit (or the chosen ones) a draft implementing plan; units that have one keep it."""
    require(actor, COORDINATE, plan.issuer)
    with transaction.atomic():
        upper = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
        if upper.state != PlanState.ISSUED:
            raise ValidationError(
                {"__all__": [_("Chỉ giao kế hoạch cho cấp dưới sau khi kế hoạch đã ban hành.")]}
            )
        tasks = plan_tasks_with_assignments(upper)
        assigned = _only_chosen(assigned_units(upper, tasks), unit_ids)
        existing = {p.issuer_id: p for p in Plan.objects.filter(upper_plan=upper, issuer_id__in=assigned)}
        by_id = {t.pk: t for t in tasks}
        criteria = {}
        through = Task.criteria.through
        for task_id, criterion_id in through.objects.filter(task__plan=upper).values_list(
            "task_id", "criterion_id"
        ):
            criteria.setdefault(task_id, []).append(criterion_id)
        versions = list(upper.frameworks.all())
        sections = list(upper.sections.all())
        deadlines = list(upper.deadlines.all())
        created = []
        for unit_id, entry in assigned.items():
            if unit_id in existing:
                continue
            created.append(
                _draft_for(
                    actor,
                    upper,
                    entry,
                    [by_id[t] for t in entry.task_ids],
                    criteria,
                    versions,
                    sections,
                    deadlines,
                )
            )
    return CascadeResult(created=created, existing=list(existing.values()))


def _draft_for(actor, upper, entry: Assigned, tasks, criteria, versions, sections, deadlines) -> Plan:
    unit = entry.unit
    is_division = unit.kind in DIVISION_LEVEL
    lower = Plan(
        issuer=unit,
        symbol=plan_symbol(unit),
        place=place_name(unit) if is_division else upper.place,
        title=adapt_title(upper.title, upper.issuer, unit),
        year_from=upper.year_from,
        year_to=upper.year_to,
        upper_plan=upper,
        preamble=implementing_preamble(upper, unit),
        appendix_title=upper.appendix_title,
        recipients="\n".join([f"{authority_name(upper.issuer)};", "Lưu: VT."]),
        signer_authority="TM. ỦY BAN NHÂN DÂN" if is_division else "",
        signer_title=signer_title_for(unit),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.save_audited(lower, actor, note=_("Giao thực hiện Kế hoạch %(ns)s") % {"ns": upper.number_symbol})
    lower.frameworks.set(versions)
    adapted = [s for s in sections if s.key != PlanSection.Key.ORGANISATION]
    new_sections = [
        PlanSection(
            plan=lower,
            position=i,
            depth=s.depth,
            key=s.key,
            heading=adapt_text(s.heading, upper.issuer, unit),
            body=adapt_text(s.body, upper.issuer, unit),
        )
        for i, s in enumerate(adapted, start=1)
    ]
    new_sections.append(
        PlanSection(
            plan=lower,
            position=len(new_sections) + 1,
            depth=1,
            key=PlanSection.Key.ORGANISATION,
            heading=_("TỔ CHỨC THỰC HIỆN"),
            body=organisation_text(upper, unit, deadlines),
        )
    )
    PlanSection.objects.bulk_create(new_sections)
    PlanDeadline.objects.bulk_create(
        PlanDeadline(plan=lower, label=d.label, due_on=d.due_on, position=d.position) for d in deadlines
    )
    children = [
        Task(
            plan=lower,
            position=i,
            group_code=t.group_code,
            group_title=t.group_title,
            number=t.number,
            criterion_label=t.criterion_label,
            text=t.text,
            target_text=t.target_text,
            target_metric=t.target_metric,
            target_op=t.target_op,
            target_value=t.target_value,
            target_unit=t.target_unit,
            output=t.output,
            timeframe_text=t.timeframe_text,
            timeframe_kind=t.timeframe_kind,
            start_on=t.start_on,
            end_on=t.end_on,
            due_on=t.due_on,
            parent_task=t,
        )
        for i, t in enumerate(tasks, start=1)
    ]
    Task.objects.bulk_create(children)
    through = Task.criteria.through
    through.objects.bulk_create(
        through(task_id=child.pk, criterion_id=c)
        for parent, child in zip(tasks, children, strict=True)
        for c in criteria.get(parent.pk, [])
    )
    TaskAssignment.objects.bulk_create(
        TaskAssignment(task=child, role=TaskAssignment.Role.LEAD, unit=unit, position=1) for child in children
    )
    audit.record_bulk_create(actor, children, note=_("Nhiệm vụ được giao từ kế hoạch cấp trên"))
    return lower


# ---------------------------------------------------------------------------------------------
# Adapting the upper plan's text to the lower unit


def level_word(unit: Unit) -> str:
    """ "huyện", "xã", "thị trấn", "tỉnh"… the type word a division's name starts with."""
    name = unit.name
    for words in ("thành phố", "thị trấn", "thị xã", "đặc khu"):
        if fold(name).startswith(fold(words) + " "):
            return words
    return lower_first(name.split(" ", 1)[0]) if " " in name else ""


def place_name(unit: Unit) -> str:
    """ "Xã Thanh Thủy" → "Thanh Thủy" (the place in "Thanh Thủy, ngày … tháng … năm …")."""
    word = level_word(unit)
    if word and fold(unit.name).startswith(fold(word) + " "):
        return unit.name[len(word) + 1 :]
    return unit.name


def plan_symbol(unit: Unit) -> str:
    """ "KH-UBND" for a commune or district; "KH-PNV" for a body with a short name."""
    if unit.kind in DIVISION_LEVEL:
        return "KH-UBND"
    short = re.sub(r"[^0-9A-Za-zĐđ&]", "", unit.short_name or "")
    return f"KH-{short}" if short and len(short) <= 12 and " " not in (unit.short_name or "") else "KH"


SIGNER_TITLES = {
    UnitKind.DEPARTMENT: "TRƯỞNG PHÒNG",
    UnitKind.OFFICE: "CHÁNH VĂN PHÒNG",
    UnitKind.INSPECTORATE: "CHÁNH THANH TRA",
    UnitKind.POLICE: "TRƯỞNG CÔNG AN",
    UnitKind.COURT: "CHÁNH ÁN",
    UnitKind.PROCURACY: "VIỆN TRƯỞNG",
    UnitKind.FRONT: "CHỦ TỊCH",
    UnitKind.SCHOOL: "HIỆU TRƯỞNG",
    UnitKind.HEALTH: "TRƯỞNG TRẠM",
    UnitKind.SERVICE_CENTER: "GIÁM ĐỐC",
    UnitKind.UTILITY: "GIÁM ĐỐC",
}


def signer_title_for(unit: Unit) -> str:
    if unit.kind in DIVISION_LEVEL:
        return "CHỦ TỊCH"
    if unit.kind == UnitKind.DEPARTMENT and fold(unit.name).startswith("so "):
        return "GIÁM ĐỐC"
    return SIGNER_TITLES.get(UnitKind(unit.kind), "THỦ TRƯỞNG ĐƠN VỊ")


def _replace_folded(text: str, old: str, new: str) -> str:
    """Replace `old` in `text` ignoring case (names are NFC, so positions line up)."""
    if not old:
        return text
    pattern = re.compile(re.escape(old), re.IGNORECASE)
    return pattern.sub(new, text)


def adapt_text(text: str, upper_unit: Unit, unit: Unit) -> str:
    """The upper plan's wording made the lower unit's: "UBND huyện Vị Xuyên" → "UBND xã Thanh Thủy".

    Only divisions speak for their own territory; a body's plan keeps the wording of its level.
    """
    if not text or unit.kind not in DIVISION_LEVEL or upper_unit.kind not in DIVISION_LEVEL:
        return text
    upper_name, lower_name = lower_first(upper_unit.name), lower_first(unit.name)
    upper_word, lower_word = level_word(upper_unit), level_word(unit)
    replacements = [
        (f"Ủy ban nhân dân {upper_name}", f"Ủy ban nhân dân {lower_name}"),
        (f"UBND {upper_name}", f"UBND {lower_name}"),
        (upper_name, lower_name),
    ]
    if upper_word and lower_word:
        replacements += [
            (f"Ủy ban nhân dân {upper_word}", f"Ủy ban nhân dân {lower_word}"),
            (f"UBND {upper_word}", f"UBND {lower_word}"),
            (f"địa bàn {upper_word}", f"địa bàn {lower_word}"),
        ]
    for old, new in replacements:
        text = _replace_folded(text, old, new)
    return text


def adapt_title(title: str, upper_unit: Unit, unit: Unit) -> str:
    return adapt_text(title, upper_unit, unit)


def _date(day: dt.date | None) -> str:
    return f"{day.day}/{day.month}/{day.year}" if day else ""


def implementing_preamble(upper: Plan, unit: Unit) -> str:
    """ "Thực hiện Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên về …"."""
    title = upper.title[:1].lower() + upper.title[1:] if upper.title else ""
    return _(
        "Thực hiện Kế hoạch số %(ns)s ngày %(date)s của %(upper)s về %(title)s; %(lower)s xây dựng Kế hoạch "
        "thực hiện với các nội dung như sau:"
    ) % {
        "ns": upper.number_symbol,
        "date": _date(upper.issued_on),
        "upper": authority_name(upper.issuer),
        "title": title,
        "lower": authority_name(unit),
    }


def organisation_text(upper: Plan, unit: Unit, deadlines: list[PlanDeadline]) -> str:
    lines = [
        _(
            "%(lower)s phân công bộ phận, cán bộ, công chức chủ trì thực hiện từng nhiệm vụ tại Phụ lục kèm theo; "
            "cụ thể hóa chỉ tiêu, kết quả, sản phẩm và thời gian hoàn thành của từng nhiệm vụ."
        )
        % {"lower": authority_name(unit)}
    ]
    for deadline in deadlines:
        lines.append(
            _("%(label)s: gửi %(upper)s trước ngày %(date)s.")
            % {"label": deadline.label, "upper": authority_name(upper.issuer), "date": _date(deadline.due_on)}
        )
    return "\n".join(lines)
