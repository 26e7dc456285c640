"""Inspections: a reproducible, risk-weighted sample of units, findings, remediation, re-inspection.

The coordinator must inspect at least a share of its departments and of its communes each year
(Mộc Châu and Vị Xuyên: "ít nhất 30%"). `propose_sample` draws, in each stratum (bodies such as
departments; communes; districts), ceil(share × size) units without replacement, with weights
that favour units that reported late or not at all and units with overdue tasks that year
(Efraimidis–Spirakis keys u^(1/w) from `random.Random(seed)`, units in id order, so the same
seed gives the same sample). The coordinator then adds or removes units; a removal that would
leave a stratum below the minimum is refused.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from chiso.core import audit
from chiso.core.numbers import parse_decimal
from chiso.core.text import nfc
from chiso.core.vndates import short_date
from chiso.plans.models import Plan
from chiso.plans.validation import Errors, parse_date
from chiso.reporting.models import Finding, Inspection, InspectionTarget, Remediation, ReportingRound
from chiso.reporting.services import require
from chiso.units.models import DIVISION_LEVEL, Level, Unit, UnitKind
from chiso.units.scope import COORDINATE

STRATA = {
    "body": _l("Cơ quan, đơn vị"),
    "commune": _l("Xã, phường, thị trấn"),
    "district": _l("Huyện, thị xã, thành phố"),
}
EXCLUDED_KINDS = {UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP, UnitKind.PEOPLES_COUNCIL}


def stratum_of(unit: Unit) -> str:
    level = DIVISION_LEVEL.get(UnitKind(unit.kind))
    if level == Level.COMMUNE:
        return "commune"
    if level == Level.DISTRICT:
        return "district"
    return "body"


def candidates(owner: Unit, year: int) -> list[Unit]:
    """The units directly under `owner` that exist at the end of `year` (or today, in the current year)."""
    day = min(dt.date(year, 12, 31), max(timezone.localdate(), dt.date(year, 1, 1)))
    return list(
        Unit.objects.filter(parent=owner).valid_on(day).exclude(kind__in=list(EXCLUDED_KINDS)).order_by("pk")
    )


@dataclass(frozen=True)
class Risk:
    weight: Decimal
    late_reports: int
    overdue_tasks: int

    @property
    def reason(self) -> str:
        parts = []
        if self.late_reports:
            parts.append(_("%(n)d báo cáo muộn hoặc không gửi") % {"n": self.late_reports})
        if self.overdue_tasks:
            parts.append(_("%(n)d lượt nhiệm vụ quá hạn") % {"n": self.overdue_tasks})
        return "; ".join(parts)


def risks(owner: Unit, year: int, today: dt.date | None = None) -> dict[int, Risk]:
    """Late or missing reports and overdue tasks per unit in the rounds (already due) of the owner's plans of `year`.

    weight = 1 + 2 × late or missing reports + min(overdue tasks, 5).
    """
    from chiso.reporting.monitoring import round_monitoring
    from chiso.reporting.status import Timeliness

    today = today or timezone.localdate()
    late: dict[int, int] = {}
    overdue: dict[int, int] = {}
    rounds = ReportingRound.objects.filter(
        plan__in=Plan.objects.for_unit(owner).published().in_year(year), due_on__lt=today
    ).select_related("plan")
    for rnd in rounds:
        monitoring = round_monitoring(rnd, today)
        for row in monitoring.units:
            if row.timeliness in (Timeliness.LATE, Timeliness.GRACE, Timeliness.MISSING):
                late[row.unit.pk] = late.get(row.unit.pk, 0) + 1
            if row.counts.overdue:
                overdue[row.unit.pk] = overdue.get(row.unit.pk, 0) + row.counts.overdue
    result = {}
    for unit_id in set(late) | set(overdue):
        weight = 1 + 2 * late.get(unit_id, 0) + min(overdue.get(unit_id, 0), 5)
        result[unit_id] = Risk(Decimal(weight), late.get(unit_id, 0), overdue.get(unit_id, 0))
    return result


def required_count(size: int, min_share: Decimal | float) -> int:
    """ceil(share × size): 30% of 7 communes is 3."""
    if size <= 0:
        return 0
    return min(size, math.ceil(Decimal(str(min_share)) * size / 100 - Decimal("1e-9")))


@dataclass(frozen=True)
class Pick:
    unit: Unit
    stratum: str
    weight: Decimal
    reason: str


def propose_sample(
    units: Iterable[Unit], min_share: Decimal | float, seed: int, weights: Mapping[int, Risk] | None = None
) -> list[Pick]:
    """A weighted sample meeting `min_share` percent in every stratum, reproducible from `seed`."""
    rng = random.Random(seed)
    weights = weights or {}
    by_stratum: dict[str, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: u.pk):
        by_stratum.setdefault(stratum_of(unit), []).append(unit)
    picks: list[Pick] = []
    for stratum in sorted(by_stratum):
        members = by_stratum[stratum]
        n = required_count(len(members), min_share)
        keyed = []
        for unit in members:
            risk = weights.get(unit.pk)
            weight = risk.weight if risk else Decimal(1)
            key = rng.random() ** (1 / float(weight))
            keyed.append((key, unit, weight, risk.reason if risk else ""))
        keyed.sort(key=lambda item: (-item[0], item[1].pk))
        for _key, unit, weight, reason in keyed[:n]:
            picks.append(Pick(unit, stratum, weight, reason))
    return picks


def _clean_share(value) -> Decimal:
    try:
        share = parse_decimal(value, grouping=False, percent=False, largest=None)
    except ValueError:
        share = Decimal(-1)
    if not Decimal(0) < share <= Decimal(100):
        raise ValidationError({"min_share": [_("Tỷ lệ tối thiểu (%): phải lớn hơn 0 và không quá 100.")]})
    return share


def create_inspection(
    actor,
    owner: Unit,
    year: int,
    title: str,
    min_share=30,
    seed: int | None = None,
    today: dt.date | None = None,
) -> Inspection:
    """A year's inspection with the proposed sample saved as its targets."""
    require(actor, COORDINATE, owner)
    share = _clean_share(min_share)
    title = nfc(title or "").strip() or _("Kiểm tra công tác nâng cao chỉ số năm %(y)d") % {"y": year}
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 10**6)
    units = candidates(owner, year)
    picks = propose_sample(units, share, seed, risks(owner, year, today))
    with transaction.atomic():
        inspection = Inspection(owner=owner, year=year, title=title[:300], min_share=share, seed=seed)
        audit.save_audited(inspection, actor, note=_("Lập đợt kiểm tra"))
        targets = InspectionTarget.objects.bulk_create(
            InspectionTarget(
                inspection=inspection,
                unit=p.unit,
                stratum=p.stratum,
                proposed=True,
                weight=p.weight,
                reason=p.reason[:300],
            )
            for p in picks
        )
        audit.record_bulk_create(actor, targets, note=_("Mẫu do hệ thống đề xuất"))
    return inspection


def coverage(inspection: Inspection) -> dict[str, tuple[int, int, int]]:
    """{stratum: (chosen, candidates, required)}."""
    units = candidates(inspection.owner, inspection.year)
    sizes: dict[str, int] = {}
    for unit in units:
        sizes[stratum_of(unit)] = sizes.get(stratum_of(unit), 0) + 1
    chosen: dict[str, int] = {}
    for stratum in inspection.targets.values_list("stratum", flat=True):
        chosen[stratum] = chosen.get(stratum, 0) + 1
    return {
        s: (chosen.get(s, 0), sizes.get(s, 0), required_count(sizes.get(s, 0), inspection.min_share))
        for s in sorted(set(sizes) | set(chosen))
    }


def add_target(actor, inspection: Inspection, unit: Unit) -> InspectionTarget:
    require(actor, COORDINATE, inspection.owner)
    if unit.pk not in {u.pk for u in candidates(inspection.owner, inspection.year)}:
        raise ValidationError({"unit": [_("Đơn vị %(u)s không thuộc phạm vi kiểm tra.") % {"u": unit.name}]})
    with transaction.atomic():
        Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.targets.filter(unit=unit).exists():
            raise ValidationError(
                {"unit": [_("Đơn vị %(u)s đã có trong danh sách kiểm tra.") % {"u": unit.name}]}
            )
        target = InspectionTarget(inspection=inspection, unit=unit, stratum=stratum_of(unit))
        audit.save_audited(target, actor, note=_("Thêm đơn vị kiểm tra"))
    return target


def remove_target(actor, target: InspectionTarget) -> None:
    inspection = target.inspection
    require(actor, COORDINATE, inspection.owner)
    with transaction.atomic():
        Inspection.objects.select_for_update().get(pk=inspection.pk)
        if target.findings.exists():
            raise ValidationError(
                {"__all__": [_("Đơn vị đã có kết quả kiểm tra, không bỏ khỏi danh sách được.")]}
            )
        chosen, size, required = coverage(inspection).get(target.stratum, (0, 0, 0))
        if chosen - 1 < required:
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Không bỏ được %(u)s: nhóm “%(s)s” cần ít nhất %(r)d/%(n)d đơn vị (%(p)s%%); "
                            "hãy thêm đơn vị khác trước."
                        )
                        % {
                            "u": target.unit.name,
                            "s": STRATA.get(target.stratum, target.stratum),
                            "r": required,
                            "n": size,
                            "p": f"{inspection.min_share.normalize():f}",
                        }
                    ]
                }
            )
        audit.delete_audited(target, actor, note=_("Bỏ đơn vị khỏi danh sách kiểm tra"))


def record_inspection(actor, target: InspectionTarget, data: Mapping) -> InspectionTarget:
    """The visit: date and conclusion."""
    require(actor, COORDINATE, target.inspection.owner)
    errors = Errors()
    try:
        day = parse_date(data.get("inspected_on"), _("Ngày kiểm tra"))
    except ValidationError as exc:
        errors.add("inspected_on", exc.messages[0])
        day = None
    if day is None and "inspected_on" not in errors.errors:
        errors.add("inspected_on", _("Ngày kiểm tra: không được để trống."))
    errors.raise_if_any()
    with transaction.atomic():
        locked = InspectionTarget.objects.select_for_update().get(pk=target.pk)
        locked.inspected_on = day
        locked.conclusion = nfc(str(data.get("conclusion", "") or "")).strip()
        locked.state = InspectionTarget.State.INSPECTED
        audit.save_audited(locked, actor, note=_("Ghi nhận kết quả kiểm tra"))
    return locked


def add_finding(
    actor, target: InspectionTarget, text: str, severity: str = Finding.Severity.MAJOR
) -> Finding:
    require(actor, COORDINATE, target.inspection.owner)
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Nội dung phát hiện: không được để trống.")]})
    if severity not in Finding.Severity.values:
        raise ValidationError({"severity": [_("Mức độ: giá trị không hợp lệ.")]})
    finding = Finding(target=target, text=text, severity=severity)
    audit.save_audited(finding, actor, note=_("Ghi nhận phát hiện"))
    return finding


def add_remediation(actor, finding: Finding, action: str, due_on) -> Remediation:
    require(actor, COORDINATE, finding.target.inspection.owner)
    errors = Errors()
    action = nfc(action or "").strip()
    if not action:
        errors.add("action", _("Biện pháp khắc phục: không được để trống."))
    try:
        day = parse_date(due_on, _("Hạn khắc phục"))
    except ValidationError as exc:
        errors.add("due_on", exc.messages[0])
        day = None
    if day is None and "due_on" not in errors.errors:
        errors.add("due_on", _("Hạn khắc phục: không được để trống."))
    errors.raise_if_any()
    remediation = Remediation(finding=finding, action=action, due_on=day)
    audit.save_audited(remediation, actor, note=_("Yêu cầu khắc phục"))
    return remediation


def reinspect(actor, remediation: Remediation, fixed: bool, on, note: str = "") -> Remediation:
    """Re-inspection: was the finding fixed?"""
    require(actor, COORDINATE, remediation.finding.target.inspection.owner)
    day = parse_date(on, _("Ngày kiểm tra lại"))
    if day is None:
        raise ValidationError({"reinspected_on": [_("Ngày kiểm tra lại: không được để trống.")]})
    with transaction.atomic():
        locked = Remediation.objects.select_for_update().get(pk=remediation.pk)
        locked.state = Remediation.State.FIXED if fixed else Remediation.State.NOT_FIXED
        locked.reinspected_on = day
        locked.reinspection_note = nfc(note or "").strip()
        audit.save_audited(locked, actor, note=_("Kiểm tra lại việc khắc phục"))
    return locked


def overdue_remediations(inspection: Inspection, today: dt.date | None = None) -> list[Remediation]:
    """Actions not confirmed fixed whose deadline has passed: due for re-inspection."""
    today = today or timezone.localdate()
    return list(
        Remediation.objects.filter(finding__target__inspection=inspection, due_on__lt=today)
        .exclude(state=Remediation.State.FIXED)
        .select_related("finding__target__unit")
        .order_by("due_on", "pk")
    )


def remediation_label(remediation: Remediation) -> str:
    return f"{remediation.action} ({_('hạn')} {short_date(remediation.due_on)})"
