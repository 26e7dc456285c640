"""Unit groups ("UBND các xã, thị trấn") and their expansion to the member units of a given day."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.units.models import DIVISION_LEVEL, Level, Unit, UnitKind

COMMUNE_KINDS = [k.value for k, level in DIVISION_LEVEL.items() if level == Level.COMMUNE]
DISTRICT_KINDS = [k.value for k, level in DIVISION_LEVEL.items() if level == Level.DISTRICT]
BODY_KINDS = [k.value for k in UnitKind if k not in DIVISION_LEVEL]


def _valid_on(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def expand_groups(groups: Iterable, on: dt.date | None = None) -> dict[int, list[Unit]]:
    """{group id: member units on `on`}, in at most three queries whatever the number of groups."""
    from chiso.plans.models import UnitGroup

    day = on or timezone.localdate()
    groups = list(groups)
    result: dict[int, list[Unit]] = {group.pk: [] for group in groups}
    if not groups:
        return result
    explicit: dict[int, list[Unit]] = {}
    through = UnitGroup.members.through
    for row in through.objects.filter(unitgroup_id__in=[g.pk for g in groups]).select_related("unit"):
        if row.unit.is_valid_on(day):
            explicit.setdefault(row.unitgroup_id, []).append(row.unit)
    by_depth: dict[int, list] = {}
    for group in groups:
        if group.pk in explicit:
            result[group.pk] = sorted(explicit[group.pk], key=lambda u: (u.name, u.pk))
        elif group.kinds:
            by_depth.setdefault(group.depth, []).append(group)
    for depth, members in by_depth.items():
        owner_field = "parent_id" if depth == 1 else "parent__parent_id"
        owners = {g.owner_id for g in members}
        kinds = {k for g in members for k in g.kinds}
        units = Unit.objects.filter(_valid_on(day), kind__in=kinds, **{f"{owner_field}__in": owners})
        if depth != 1:
            units = units.annotate(_owner=_owner_expr(depth))
        for unit in units.order_by("name", "id"):
            owner_id = unit.parent_id if depth == 1 else unit._owner
            for group in members:
                if group.owner_id == owner_id and unit.kind in group.kinds:
                    result[group.pk].append(unit)
    return result


def _owner_expr(depth: int):
    from django.db.models import F

    return F("__".join(["parent"] * (depth - 1) + ["parent_id"]))


def group_name_for(owner: Unit, which: str, on: dt.date | None = None) -> str:
    """The name plans use for the standard groups of `owner`: its communes, or its bodies."""
    if which == "bodies":
        return _("Các cơ quan, đơn vị")
    day = on or timezone.localdate()
    present = set(
        Unit.objects.filter(_valid_on(day), parent=owner, kind__in=COMMUNE_KINDS).values_list(
            "kind", flat=True
        )
    )
    words = [
        label
        for kind, label in (
            (UnitKind.COMMUNE, "xã"),
            (UnitKind.WARD, "phường"),
            (UnitKind.TOWNSHIP, "thị trấn"),
        )
        if kind in present
    ] or ["xã"]
    if len(words) == 1:
        return f"UBND các {words[0]}"
    return f"UBND các {', '.join(words)}"


def standard_group(owner: Unit, which: str, actor=None, on: dt.date | None = None):
    """The group of `owner`'s communes (which="communes") or bodies (which="bodies"), created on first use."""
    from chiso.plans.models import UnitGroup

    kinds = COMMUNE_KINDS if which == "communes" else BODY_KINDS
    kinds_text = ",".join(kinds)
    existing = UnitGroup.objects.filter(owner=owner, member_kinds=kinds_text, depth=1).first()
    if existing:
        return existing
    group = UnitGroup(owner=owner, name=group_name_for(owner, which, on), member_kinds=kinds_text, depth=1)
    audit.save_audited(group, actor, note=_("Nhóm đơn vị chuẩn"))
    return group


def picker_options(user, issuer: Unit, day: dt.date, query: str) -> list[dict[str, str]]:
    """Picker options for `query`: the user's unit groups owned by `issuer` or above, then the units
    in the user's scope existing on `day` (accent-insensitive search); empty for an empty query."""
    from chiso.plans.models import UnitGroup

    if not query:
        return []
    groups = (
        UnitGroup.objects.restrict(user)
        .filter(Q(owner=issuer) | Q(owner__in=issuer.ancestors()))
        .search(query)[:10]
    )
    options = [{"value": f"group:{g.pk}", "label": g.name, "hint": _("Nhóm đơn vị")} for g in groups]
    units = (
        Unit.objects.restrict(user)
        .valid_on(day)
        .search(query)
        .select_related("parent")
        .order_by("name", "id")[:20]
    )
    options += [
        {
            "value": f"unit:{u.pk}",
            "label": u.name,
            "hint": u.parent.name if u.parent_id else u.get_kind_display(),
        }
        for u in units
    ]
    return options
