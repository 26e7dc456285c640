"""Self-assessment and appraisal of points (PAR INDEX, DDCI-style indices).

The rules:
* An assessment is one unit's points in one framework version for one year. Its items are the
  version's scorable criteria: the leaves of the criteria tree. Every leaf must carry the
  published maximum points; a version with a leaf without them cannot be assessed until an
  administrator enters them (the system never invents points).
* The appraiser is the unit's nearest division above it (a commune → its province), or the unit
  of the coordinator who starts the assessment.
* Whoever may EDIT the unit self-assesses: points between 0 and the criterion's maximum (decimal
  comma accepted), an explanation, an evidence file checked by its content. A submission needs
  every leaf scored; it is then read-only for the unit.
* Whoever may COORDINATE the appraiser unit, and did not submit the assessment, appraises: each
  criterion is accepted or adjusted (an adjustment needs a reason, and points within the
  maximum), or the whole assessment is returned with a reason. Re-submitting clears the appraisal.
* Finalising writes two score sets: the self-assessed one (not public) and the appraised one
  (public), each with a score per criterion (parents sum their leaves) and a total.
* Every write checks the permission and `version` (optimistic concurrency) inside one transaction
  and is audited; `actor` None means the system.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core.audit import record_bulk_create, save_audited
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.plans.validation import Errors
from chiso.reporting.services import notify_unit
from chiso.reporting.uploads import CheckedFile
from chiso.scores.assessment_differences import criteria_tree
from chiso.scores.assessment_differences import differences as differences  # the read side, beside the writes
from chiso.scores.assessment_differences import missing_max_points as missing_max_points
from chiso.scores.assessment_forms import ACCEPT, AppraisalItemForm, SelfItemForm
from chiso.scores.models import Assessment, AssessmentItem, AssessmentState, Score, ScoreSet, Source
from chiso.units.models import DIVISION_LEVEL, Unit
from chiso.units.scope import COORDINATE, EDIT, can

LISTED = 10  # criteria named in a message before "…"


# --- permissions ----------------------------------------------------------------------------


def can_self_assess(user, assessment: Assessment) -> bool:
    return can(user, EDIT, assessment.unit_id)


def can_appraise(user, assessment: Assessment) -> bool:
    """COORDINATE on the appraiser unit, and not the person who submitted the assessment."""
    if not can(user, COORDINATE, assessment.appraiser_id):
        return False
    return user is None or assessment.submitted_by_id is None or assessment.submitted_by_id != user.pk


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _error(message: str, field: str = "__all__", code: str | None = None) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _lock(assessment: Assessment, version: Any) -> Assessment:
    """The assessment locked until the end of the transaction; a stale `version` is refused."""
    locked = (
        Assessment.objects.select_for_update()
        .select_related("unit", "appraiser", "version", "version__framework")
        .get(pk=assessment.pk)
    )
    try:
        mine = int(version)
    except (TypeError, ValueError):
        raise _error(_("Thiếu số phiên bản của bản đang sửa; hãy tải lại trang."), "version") from None
    if mine != locked.version_number:
        raise _error(
            _(
                "Bản tự đánh giá đã được người khác lưu trong lúc bạn đang sửa (bạn sửa từ phiên bản "
                "%(mine)d, hiện đã là phiên bản %(current)d). Thay đổi của bạn chưa được lưu; hãy tải "
                "lại trang để xem bản mới rồi nhập lại."
            )
            % {"mine": mine, "current": locked.version_number},
            "version",
            "stale",
        )
    return locked


def _listed(criteria: list[Criterion]) -> str:
    names = "; ".join(f"{c.code} {c.name_vi}" for c in criteria[:LISTED])
    return names + ("; …" if len(criteria) > LISTED else "")


def _state_error(assessment: Assessment, allowed: str) -> ValidationError:
    return _error(
        _("Thao tác này chỉ làm được khi bản tự đánh giá %(allowed)s (hiện: %(state)s).")
        % {"allowed": allowed, "state": assessment.get_state_display().lower()}
    )


# --- the appraiser ---------------------------------------------------------------------------


def default_appraiser(unit: Unit) -> Unit | None:
    """The nearest division above the unit (a commune's province, a school's commune)."""
    parent = unit.parent
    while parent is not None and parent.kind not in DIVISION_LEVEL:
        parent = parent.parent
    return parent


# --- starting -------------------------------------------------------------------------------


def start_assessment(
    actor, unit: Unit, version: FrameworkVersion, year: int, appraiser: Unit | None = None
) -> Assessment:
    """A draft listing the version's leaves. The unit's own officers start it (appraised by the
    division above), or a coordinator names their own unit as appraiser."""
    version = FrameworkVersion.objects.select_related("framework").get(pk=version.pk)
    if actor is not None and not FrameworkVersion.objects.restrict(actor).filter(pk=version.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    problems: dict[str, list[ValidationError]] = {}
    if not version.applies_to(year):
        problems.setdefault("year", []).append(
            ValidationError(
                _("Phiên bản “%(v)s” không áp dụng cho năm %(y)d (áp dụng: %(span)s).")
                % {"v": version.name, "y": year, "span": version.years_label or "—"}
            )
        )
    tree = criteria_tree(version)
    leaves = [c for c in tree if c.is_leaf]
    if not leaves:
        problems.setdefault("version", []).append(
            ValidationError(_("Phiên bản “%(v)s” chưa có tiêu chí nào.") % {"v": version.name})
        )
    missing = [c for c in leaves if c.max_points is None]
    if missing:
        problems.setdefault("version", []).append(
            ValidationError(
                _(
                    "Chưa bắt đầu được: %(n)d tiêu chí của “%(v)s” chưa có điểm tối đa (%(list)s). "
                    "Quản trị viên phải nhập điểm tối đa theo văn bản công bố trước; hệ thống không tự "
                    "đặt điểm."
                )
                % {"n": len(missing), "v": version.name, "list": _listed(missing)},
                code="missing_max_points",
            )
        )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        default = default_appraiser(unit)
        if appraiser is None or (default is not None and appraiser.pk == default.pk):
            appraiser = default
            if appraiser is None:
                raise _error(
                    _("Đơn vị %(u)s không có cấp trên để thẩm định.") % {"u": unit.name}, "appraiser"
                )
            _require(actor is None or can(actor, EDIT, unit) or can(actor, COORDINATE, appraiser))
        else:
            _require(actor is None or (can(actor, COORDINATE, appraiser) and can(actor, EDIT, unit)))
        if appraiser.pk == unit.pk:
            raise _error(_("Đơn vị không tự thẩm định kết quả của chính mình."), "appraiser")
        existing = Assessment.objects.filter(unit=unit, version=version, year=year).first()
        if existing is not None:
            raise _error(
                _("%(u)s đã có bản tự đánh giá %(f)s năm %(y)d.")
                % {"u": unit.name, "f": version.framework.short_name, "y": year},
                code="exists",
            )
        assessment = Assessment(unit=unit, appraiser=appraiser, version=version, year=year)
        save_audited(assessment, actor, note=_("Bắt đầu tự đánh giá"))
        items = AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=assessment, criterion=c) for c in leaves
        )
        record_bulk_create(actor, items, note=_("Bắt đầu tự đánh giá"))
    return assessment


# --- self-assessment ------------------------------------------------------------------------


def _items_input(data: Mapping) -> dict[int, Mapping]:
    """{criterion id: values} from {"items": {id: {...}}} or {"items": [{"criterion": id, ...}]}."""
    raw = data.get("items") or {}
    pairs = raw.items() if isinstance(raw, Mapping) else ((r.get("criterion"), r) for r in raw)
    result: dict[int, Mapping] = {}
    for key, values in pairs:
        try:
            result[int(key)] = values or {}
        except (TypeError, ValueError):
            raise _error(
                _("Tiêu chí “%(k)s” không thuộc bản tự đánh giá này.") % {"k": key}, "items"
            ) from None
    return result


def _rows(assessment: Assessment) -> dict[int, AssessmentItem]:
    return {i.criterion_id: i for i in assessment.items.select_related("criterion")}


def _form_data(values: Mapping, names: Iterable[str]) -> dict:
    return {n: ("" if values.get(n) is None else values.get(n)) for n in names if n in values}


SELF_FIELDS = ("points", "note", "remove_evidence")
APPRAISAL_FIELDS = ("decision", "points", "reason")


def _checked_items(locked: Assessment, items_in: Mapping, form_class, names, files: Mapping | None = None):
    """[(item, values, valid form)] for each criterion given, or every message at once (named
    "item-<criterion>-<field>")."""
    rows = _rows(locked)
    errors = Errors()
    checked = []
    for criterion_id, values in items_in.items():
        item = rows.get(criterion_id)
        if item is None:
            errors.add("items", _("Tiêu chí mã %(k)s không thuộc bản tự đánh giá này.") % {"k": criterion_id})
            continue
        upload = (files or {}).get(criterion_id) or (files or {}).get(str(criterion_id))
        form = form_class(
            data=_form_data(values, names),
            files={"evidence": upload} if upload else None,
            criterion=item.criterion,
        )
        if not form.is_valid():
            for field, messages in form.messages().items():
                for message in messages:
                    errors.add(f"item-{criterion_id}-{field}", message)
            continue
        checked.append((item, values, form))
    errors.raise_if_any()
    return checked


def _store(checked: CheckedFile, year: int) -> str:
    token = uuid.uuid4().hex[:12]
    return default_storage.save(
        f"assessments/{year}/{token}/{checked.name}", ContentFile(checked.content), max_length=100
    )


def save_self(actor, assessment: Assessment, data: Mapping, files: Mapping | None = None) -> Assessment:
    """Save self points, notes and evidence: {"version": n, "items": {criterion id: {"points",
    "note", "remove_evidence"}}}, `files` {criterion id: uploaded file}. All or nothing."""
    files = files or {}
    items_in = _items_input(data)
    for key in files:
        items_in.setdefault(int(key), {})
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(assessment, data.get("version"))
            _require(actor is None or can_self_assess(actor, locked))
            if not locked.is_editable_by_unit:
                raise _state_error(locked, _("đang tự đánh giá hoặc bị trả lại"))
            changes = _checked_items(locked, items_in, SelfItemForm, SELF_FIELDS, files)
            changed = False
            for item, values, form in changes:
                old_file = item.evidence.name if item.evidence else ""
                if "points" in values:
                    item.self_points = form.cleaned_data["points"]
                if "note" in values:
                    item.self_note = form.cleaned_data["note"]
                checked = form.cleaned_data.get("evidence")
                if checked is not None:
                    item.evidence.name = _store(checked, locked.year)
                    stored.append(item.evidence.name)
                elif form.cleaned_data.get("remove_evidence"):
                    item.evidence.name = ""
                if save_audited(item, actor, note=_("Tự chấm điểm tiêu chí")) is not None:
                    changed = True
                    if old_file and old_file != item.evidence.name:
                        transaction.on_commit(partial(default_storage.delete, old_file))
            if changed:
                locked.version_number += 1
                save_audited(locked, actor, note=_("Lưu bản tự đánh giá"))
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return locked


def submit(actor, assessment: Assessment, version: Any) -> Assessment:
    """Send the self-assessment for appraisal: every leaf scored, else the missing ones listed."""
    with transaction.atomic():
        locked = _lock(assessment, version)
        _require(actor is None or can_self_assess(actor, locked))
        if not locked.is_editable_by_unit:
            raise _state_error(locked, _("đang tự đánh giá hoặc bị trả lại"))
        items = list(locked.items.select_related("criterion").order_by("criterion__position", "id"))
        tree = {c.pk: n for n, c in enumerate(criteria_tree(locked.version))}
        missing = sorted(
            (i.criterion for i in items if i.self_points is None), key=lambda c: tree.get(c.pk, 0)
        )
        if missing:
            raise _error(
                _("Chưa gửi được: còn %(n)d tiêu chí chưa chấm điểm: %(list)s.")
                % {"n": len(missing), "list": _listed(missing)},
                "items",
                "unscored",
            )
        for item in items:
            if item.appraised_points is not None or item.appraisal_reason:
                item.appraised_points, item.appraisal_reason = None, ""
                save_audited(item, actor, note=_("Gửi lại: xóa kết quả thẩm định cũ"))
        again = locked.state == AssessmentState.RETURNED
        locked.state = AssessmentState.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = _actor(actor)
        locked.return_reason = ""
        locked.version_number += 1
        save_audited(locked, actor, note=_("Gửi lại thẩm định") if again else _("Gửi thẩm định"))
        notify_unit(
            locked.appraiser,
            _("%(u)s đã gửi bản tự đánh giá %(f)s năm %(y)d")
            % {"u": locked.unit.name, "f": locked.version.framework.short_name, "y": locked.year},
            url=f"/scores/assessments/{locked.pk}/appraisal/",
        )
    return locked


# --- appraisal ------------------------------------------------------------------------------


def return_assessment(actor, assessment: Assessment, reason: str, version: Any) -> Assessment:
    """The appraiser sends the self-assessment back to the unit, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(assessment, version)
        _require(actor is None or can_appraise(actor, locked))
        if locked.state != AssessmentState.SUBMITTED:
            raise _state_error(locked, _("đã gửi thẩm định"))
        if not reason:
            raise _error(_("Lý do trả lại: không được để trống."), "reason")
        locked.state = AssessmentState.RETURNED
        locked.return_reason = reason
        locked.version_number += 1
        save_audited(locked, actor, note=_("Trả lại bản tự đánh giá"))
        notify_unit(
            locked.unit,
            _("Bản tự đánh giá %(f)s năm %(y)d bị trả lại")
            % {"f": locked.version.framework.short_name, "y": locked.year},
            reason,
            f"/scores/assessments/{locked.pk}/",
        )
    return locked


def appraise(actor, assessment: Assessment, data: Mapping) -> Assessment:
    """Accept or adjust criteria: {"version": n, "items": {criterion id: {"decision": "accept"|
    "adjust", "points", "reason"}}}. An adjustment needs a reason. All or nothing."""
    items_in = _items_input(data)
    with transaction.atomic():
        locked = _lock(assessment, data.get("version"))
        _require(actor is None or can_appraise(actor, locked))
        if locked.state != AssessmentState.SUBMITTED:
            raise _state_error(locked, _("đã gửi thẩm định"))
        decided = _checked_items(locked, items_in, AppraisalItemForm, APPRAISAL_FIELDS)
        changed = False
        for item, _values, form in decided:
            cleaned = form.cleaned_data
            if cleaned["decision"] == ACCEPT:
                item.appraised_points, item.appraisal_reason = item.self_points, ""
            else:
                item.appraised_points, item.appraisal_reason = cleaned["points"], cleaned["reason"]
            changed |= save_audited(item, actor, note=_("Thẩm định điểm tiêu chí")) is not None
        if changed:
            locked.version_number += 1
            save_audited(locked, actor, note=_("Lưu kết quả thẩm định"))
    return locked


def _write_set(
    actor, locked: Assessment, source: str, points: dict[int, Decimal | None], public: bool
) -> ScoreSet:
    tree = criteria_tree(locked.version)
    sums: dict[int, Decimal] = {}
    for criterion in reversed(tree):  # children before parents
        value = (
            (points.get(criterion.pk) or Decimal(0))
            if criterion.is_leaf
            else sums.get(criterion.pk, Decimal(0))
        )
        sums[criterion.pk] = value
        if criterion.parent_id:
            sums[criterion.parent_id] = sums.get(criterion.parent_id, Decimal(0)) + value
    total = sum((points.get(c.pk) or Decimal(0) for c in tree if c.is_leaf), Decimal(0))
    appraiser = locked.appraiser.name
    score_set = ScoreSet(
        unit=locked.unit,
        version=locked.version,
        year=locked.year,
        source=source,
        is_public=public,
        published_on=timezone.localdate() if public else None,
        source_note=(
            _("Tự đánh giá của %(u)s") % {"u": locked.unit.name}
            if source == Source.SELF_ASSESSMENT
            else _("Thẩm định của %(a)s đối với bản tự đánh giá của %(u)s")
            % {"a": appraiser, "u": locked.unit.name}
        ),
        method=_("Điểm từng tiêu chí; tiêu chí cha và điểm tổng là tổng điểm các tiêu chí thành phần."),
        created_by=_actor(actor),
    )
    save_audited(score_set, actor, note=_("Hoàn tất thẩm định"))
    rows = [Score(score_set=score_set, criterion_id=c.pk, value=sums[c.pk]) for c in tree]
    rows.append(Score(score_set=score_set, criterion=None, value=total))
    Score.objects.bulk_create(rows)
    record_bulk_create(actor, rows, note=_("Hoàn tất thẩm định"))
    return score_set


def finalise(actor, assessment: Assessment, version: Any) -> Assessment:
    """Close the appraisal: every criterion decided; writes the self-assessed and appraised sets."""
    with transaction.atomic():
        locked = _lock(assessment, version)
        _require(actor is None or can_appraise(actor, locked))
        if locked.state != AssessmentState.SUBMITTED:
            raise _state_error(locked, _("đã gửi thẩm định"))
        items = list(locked.items.select_related("criterion"))
        undecided = [i.criterion for i in items if i.appraised_points is None]
        if undecided:
            order = {c.pk: n for n, c in enumerate(criteria_tree(locked.version))}
            undecided.sort(key=lambda c: order.get(c.pk, 0))
            raise _error(
                _("Chưa hoàn tất được: còn %(n)d tiêu chí chưa thẩm định: %(list)s.")
                % {"n": len(undecided), "list": _listed(undecided)},
                "items",
                "undecided",
            )
        taken = ScoreSet.objects.filter(
            unit=locked.unit,
            version=locked.version,
            year=locked.year,
            source__in=[Source.SELF_ASSESSMENT, Source.APPRAISAL],
        ).first()
        if taken is not None:
            raise _error(
                _("Đã có bộ kết quả “%(s)s”; không ghi đè. Hãy xóa hoặc sửa bộ kết quả đó trước.")
                % {"s": taken},
                code="set_exists",
            )
        locked.self_set = _write_set(
            actor,
            locked,
            Source.SELF_ASSESSMENT,
            {i.criterion_id: i.self_points for i in items},
            public=False,
        )
        locked.appraised_set = _write_set(
            actor, locked, Source.APPRAISAL, {i.criterion_id: i.appraised_points for i in items}, public=True
        )
        locked.state = AssessmentState.FINAL
        locked.appraised_at = timezone.now()
        locked.appraised_by = _actor(actor)
        locked.version_number += 1
        save_audited(locked, actor, note=_("Hoàn tất thẩm định"))
        notify_unit(
            locked.unit,
            _("Đã có kết quả thẩm định %(f)s năm %(y)d")
            % {"f": locked.version.framework.short_name, "y": locked.year},
            url=f"/scores/assessments/{locked.pk}/result/",
        )
    return locked
