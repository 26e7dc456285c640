"""Reform initiatives (sáng kiến): each unit registers its own for the year; the coordinator above
evaluates them and marks some to be replicated; monitoring flags units with none (the samples ask
for at least one initiative per unit per year)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.text import nfc
from chiso.plans.validation import Errors
from chiso.reporting.models import Initiative
from chiso.reporting.services import require
from chiso.units.models import Unit
from chiso.units.scope import COORDINATE, EDIT


def _clean(data: Mapping, errors: Errors) -> dict:
    title = nfc(str(data.get("title", "") or "")).strip()
    if not title:
        errors.add("title", _("Tên sáng kiến: không được để trống."))
    elif len(title) > 500:
        errors.add("title", _("Tên sáng kiến: dài quá 500 ký tự."))
    return {"title": title, "description": nfc(str(data.get("description", "") or "")).strip()}


def register_initiative(actor, unit: Unit, year: int, data: Mapping) -> Initiative:
    require(actor, EDIT, unit)
    errors = Errors()
    values = _clean(data, errors)
    if not 2000 <= int(year) <= 2100:
        errors.add("year", _("Năm: không hợp lệ."))
    errors.raise_if_any()
    initiative = Initiative(
        unit=unit,
        year=int(year),
        registered_by=actor if actor is not None and actor.is_authenticated else None,
        **values,
    )
    audit.save_audited(initiative, actor, note=_("Đăng ký sáng kiến"))
    return initiative


def evaluator_unit(initiative: Initiative) -> Unit:
    """Initiatives are evaluated by the level above the unit (or the unit itself at the top)."""
    return initiative.unit.parent or initiative.unit


def evaluate_initiative(actor, initiative: Initiative, data: Mapping) -> Initiative:
    """Rating, note, and whether to replicate it elsewhere; a stale `version` is refused."""
    require(actor, COORDINATE, evaluator_unit(initiative))
    errors = Errors()
    rating = data.get("rating", "")
    if rating not in Initiative.Rating.values or rating == Initiative.Rating.PENDING:
        errors.add("rating", _("Đánh giá: hãy chọn một mức đánh giá."))
    replicate = str(data.get("replicate", "")).lower() in ("1", "true", "on", "yes")
    if replicate and rating == Initiative.Rating.REJECTED:
        errors.add("replicate", _("Nhân rộng: sáng kiến không được công nhận thì không nhân rộng."))
    errors.raise_if_any()
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        version = data.get("version")
        if version not in (None, "") and int(version) != locked.version:
            raise ValidationError(
                {"version": [_("Sáng kiến đã được người khác đánh giá; hãy tải lại trang.")]}
            )
        locked.rating = rating
        locked.evaluation_note = nfc(str(data.get("evaluation_note", "") or "")).strip()
        locked.replicate = replicate
        locked.evaluated_at = timezone.now()
        locked.evaluated_by = actor if actor is not None and actor.is_authenticated else None
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Đánh giá sáng kiến"))
    return locked


def initiative_counts(unit_ids: Iterable[int], year: int) -> dict[int, int]:
    """{unit id: initiatives registered for the year and not rejected} (one query)."""
    return dict(
        Initiative.objects.filter(unit_id__in=list(unit_ids), year=year)
        .exclude(rating=Initiative.Rating.REJECTED)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )


def units_without_initiative(units: Iterable[Unit], year: int) -> list[Unit]:
    units = list(units)
    counts = initiative_counts([u.pk for u in units], year)
    return [u for u in units if not counts.get(u.pk)]
