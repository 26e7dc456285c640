"""Changing frameworks: custom frameworks, local variants of a version, criteria and their points.

Who may change what:
* national frameworks and their versions (no owner): superusers only — usually to enter a fact the
  reference data leaves unknown, such as PAR INDEX maximum points;
* a custom framework, or a local variant of a version: whoever may coordinate (COORDINATE) the
  unit that owns it.

Each function checks permission inside its own transaction and audits every object it saves.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chiso.core.audit import delete_audited, record, save_audited
from chiso.core.models import AuditEntry
from chiso.core.text import fold
from chiso.frameworks.catalog import tree_order
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.units.models import Membership, Unit
from chiso.units.scope import COORDINATE, ROLE_ACTIONS, can

LEVEL_DEPTH = {CriterionLevel.DIMENSION: 0, CriterionLevel.SUBDIMENSION: 1, CriterionLevel.INDICATOR: 2}


# --- permissions ----------------------------------------------------------------------------


def can_edit_framework(user, framework: Framework) -> bool:
    """Change a framework's own fields and add versions to it."""
    if framework.owner_id is None:
        return bool(user and user.is_authenticated and user.is_superuser)
    return can(user, COORDINATE, framework.owner_id)


def can_edit_version(user, version: FrameworkVersion) -> bool:
    """Change a version's fields and its criteria's points (national ones: superusers only)."""
    owner = version.owner_unit_id
    if owner is None:
        return bool(user and user.is_authenticated and user.is_superuser)
    return can(user, COORDINATE, owner)


def can_edit_structure(user, version: FrameworkVersion) -> bool:
    """Add, rename, move and remove criteria: custom frameworks and local variants only. The
    structure of a national version comes from the reference data (or the Django admin)."""
    return not version.is_national and can_edit_version(user, version)


def coordinated_units(user):
    """The units a user may make own a framework or variant: those of their coordinating memberships
    (and, for superusers, every current top-level unit too)."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if COORDINATE in actions]
    member_of = Membership.objects.filter(user=user, role__in=roles).values("unit_id")
    units = Unit.objects.filter(pk__in=member_of)
    if user.is_superuser:
        units = Unit.objects.filter(Q(pk__in=member_of) | Q(parent__isnull=True, valid_to__isnull=True))
    return units.order_by("name", "id")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _lock_version(pk: int) -> FrameworkVersion:
    """The version with its framework, locked until the end of the transaction."""
    return FrameworkVersion.objects.select_for_update().select_related("framework").get(pk=pk)


# --- frameworks and versions ----------------------------------------------------------------


def _unique_code(base: str, taken) -> str:
    code = base
    counter = 2
    while taken(code):
        code = f"{base}-{counter}"
        counter += 1
    return code


def framework_code(short_name: str, owner: Unit) -> str:
    slug = re.sub(r"[^0-9a-z]+", "-", fold(short_name)).strip("-").upper()[:24] or "BCS"
    return _unique_code(f"{slug}-{owner.pk}", lambda c: Framework.objects.filter(code=c).exists())


def create_framework(user, framework: Framework) -> Framework:
    """Save a new custom framework (kind CUSTOM, owned by `framework.owner`)."""
    with transaction.atomic():
        _require(framework.owner_id is not None and can(user, COORDINATE, framework.owner_id))
        framework.kind = Framework.Kind.CUSTOM
        if not framework.code:
            framework.code = framework_code(framework.short_name, framework.owner)
        framework.full_clean()
        save_audited(framework, user)
    return framework


def update_framework(user, framework: Framework) -> Framework:
    with transaction.atomic():
        stored = Framework.objects.select_for_update().get(pk=framework.pk)
        _require(can_edit_framework(user, stored))
        if stored.owner_id != framework.owner_id:
            _require(framework.owner_id is not None and can(user, COORDINATE, framework.owner_id))
        framework.full_clean()
        save_audited(framework, user)
    return framework


def create_version(user, version: FrameworkVersion) -> FrameworkVersion:
    """Save a new (empty) version of a framework the user may change."""
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=version.framework_id)
        _require(can_edit_framework(user, framework))
        version.full_clean()
        save_audited(version, user)
    return version


def update_version(user, version: FrameworkVersion) -> FrameworkVersion:
    with transaction.atomic():
        stored = _lock_version(version.pk)
        _require(can_edit_version(user, stored))
        version.full_clean()
        save_audited(version, user)
    return version


def variant_code(base: FrameworkVersion, owner: Unit) -> str:
    return _unique_code(
        f"{base.code}-u{owner.pk}",
        lambda c: FrameworkVersion.objects.filter(framework_id=base.framework_id, code=c).exists(),
    )


def create_variant(user, base: FrameworkVersion, owner: Unit, name: str) -> FrameworkVersion:
    """A local variant of `base` owned by `owner`: the whole criteria tree copied, each copy linked
    to its original by `based_on`, ready for the unit to add, rename or remove criteria."""
    with transaction.atomic():
        _require(can(user, COORDINATE, owner))
        _require(FrameworkVersion.objects.restrict(user).filter(pk=base.pk).exists())
        variant = FrameworkVersion(
            framework_id=base.framework_id,
            code=variant_code(base, owner),
            name=name,
            year_from=base.year_from,
            year_to=base.year_to,
            based_on=base,
            owner=owner,
            source=_("Biến thể địa phương của %(name)s.") % {"name": base.name},
        )
        variant.full_clean()
        save_audited(variant, user)
        copies: dict[int, Criterion] = {}
        for original in tree_order(list(Criterion.objects.filter(version=base))):
            copy = Criterion(
                version=variant,
                parent=copies.get(original.parent_id) if original.parent_id else None,
                level=original.level,
                code=original.code,
                name_vi=original.name_vi,
                name_en=original.name_en,
                max_points=original.max_points,
                weight=original.weight,
                position=original.position,
                based_on=original,
                source=original.source,
                note=original.note,
                verification=original.verification,
            )
            save_audited(copy, user)
            copies[original.pk] = copy
    return variant


# --- criteria -------------------------------------------------------------------------------


def check_criterion(criterion: Criterion) -> None:
    """The rules of the tree, with Vietnamese messages naming the field."""
    errors: dict[str, str] = {}
    parent = criterion.parent
    if parent is not None:
        if parent.version_id != criterion.version_id:
            errors["parent"] = _("Tiêu chí cha phải thuộc cùng phiên bản.")
        elif criterion.pk and (
            parent.pk == criterion.pk
            or Criterion.objects.ancestors(parent, include_self=True).filter(pk=criterion.pk).exists()
        ):
            errors["parent"] = _(
                "Không thể chọn chính tiêu chí này hoặc tiêu chí con của nó làm tiêu chí cha."
            )
        elif LEVEL_DEPTH[CriterionLevel(parent.level)] >= LEVEL_DEPTH[CriterionLevel(criterion.level)]:
            errors["level"] = _("Cấp của tiêu chí phải thấp hơn cấp của tiêu chí cha “%(parent)s”.") % {
                "parent": parent
            }
    elif criterion.level != CriterionLevel.DIMENSION:
        errors["parent"] = _("Nội dung thành phần và chỉ tiêu phải có tiêu chí cha.")
    if (
        criterion.code
        and Criterion.objects.filter(version_id=criterion.version_id, code__iexact=criterion.code)
        .exclude(pk=criterion.pk)
        .exists()
    ):
        errors["code"] = _("Mã “%(code)s” đã có trong phiên bản này.") % {"code": criterion.code}
    if errors:
        raise ValidationError(errors)


def save_criterion(user, criterion: Criterion) -> Criterion:
    """Create or change a criterion of a custom framework or local variant."""
    with transaction.atomic():
        version = _lock_version(criterion.version_id)
        _require(can_edit_structure(user, version))
        check_criterion(criterion)
        criterion.full_clean(exclude=["search_key", "based_on"])
        save_audited(criterion, user)
    return criterion


def save_points(user, criterion: Criterion) -> Criterion:
    """Change only the maximum points and weight (national versions: superusers)."""
    with transaction.atomic():
        version = _lock_version(criterion.version_id)
        _require(can_edit_version(user, version))
        stored = Criterion.objects.get(pk=criterion.pk)
        stored.max_points = criterion.max_points
        stored.weight = criterion.weight
        stored.full_clean(exclude=["search_key", "based_on"])
        save_audited(stored, user)
    return stored


def delete_criterion(user, criterion: Criterion) -> int:
    """Remove a criterion and everything under it; returns how many were removed."""
    with transaction.atomic():
        version = _lock_version(criterion.version_id)
        _require(can_edit_structure(user, version))
        subtree = list(Criterion.objects.descendants(criterion, include_self=True).with_tree_fields())
        for node in sorted(subtree, key=lambda c: -c.tree_depth):  # leaves first
            delete_audited(node, user)
    return len(subtree)


def renumber(user, version: FrameworkVersion) -> int:
    """Give the criteria codes from their order: dimensions 1, 2, …, sub-dimensions 1.1, 1.2, …
    (after a unit inserted its own dimension). Returns how many codes changed."""
    with transaction.atomic():
        locked = _lock_version(version.pk)
        _require(can_edit_structure(user, locked))
        ordered = tree_order(list(Criterion.objects.filter(version=locked)))
        new_codes: dict[int, str] = {}
        counters: dict[int | None, int] = {}
        for criterion in ordered:
            counters[criterion.parent_id] = counters.get(criterion.parent_id, 0) + 1
            prefix = f"{new_codes[criterion.parent_id]}." if criterion.parent_id else ""
            new_codes[criterion.pk] = f"{prefix}{counters[criterion.parent_id]}"
        changed = [c for c in ordered if c.code != new_codes[c.pk]]
        # Temporary codes first, so that (version, code) stays unique at every step; the audit
        # entry records the real change, old code to new.
        for criterion in changed:
            Criterion.objects.filter(pk=criterion.pk).update(code=f"~{criterion.pk}")
        for criterion in changed:
            old_code = criterion.code
            criterion.code = new_codes[criterion.pk]
            criterion.save()
            record(
                user,
                criterion,
                AuditEntry.Action.UPDATE,
                {"code": [old_code, criterion.code]},
                _("đánh số lại"),
            )
    return len(changed)
