"""Every change to rounds, unit reports, task progress and evidence: validated, permission-checked,
audited, in one transaction each.

Pages, the API, the demo and commands call these functions; nothing else writes reports. A save
that carries a stale `version` is refused (another officer saved in between), never silently
applied. A submitted or approved report is read-only; the coordinator returns it (whole, or single
tasks) with a reason, the unit corrects and sends it again. Every submission is kept as a
`ReportVersion`. An `actor` of None means the system itself (demo data, commands).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.models import AuditEntry
from chiso.core.numbers import TooLarge, decimal_text, parse_decimal
from chiso.core.text import nfc
from chiso.core.vndates import short_date
from chiso.core.workdays import load_calendar
from chiso.plans.models import Plan, PlanState
from chiso.plans.validation import Errors, get_value, parse_date
from chiso.reporting.expected import expected_for_round
from chiso.reporting.measured import correction_error, prefill_report
from chiso.reporting.models import (
    Evidence,
    Notification,
    ReportEvent,
    ReportingRound,
    ReportState,
    ReportVersion,
    RoundExtension,
    RoundKind,
    TaskProgress,
    TaskStatus,
    UnitReport,
)
from chiso.reporting.rollup import lower_plan_for, report_lines
from chiso.reporting.rounds import RoundSpec
from chiso.reporting.status import unit_lock
from chiso.reporting.uploads import CheckedFile, read_upload
from chiso.reporting.upward import prefill_from_lower_round
from chiso.units.models import Membership, Role, Unit
from chiso.units.scope import COORDINATE, EDIT, VIEW, can

TEXT_LIMIT = 20000
NARRATIVE = ("results", "shortcomings", "proposals")
VALUE_STATUSES = (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE)


def require(actor, action: str, unit) -> None:
    """Refuse when `actor` may not do `action` on `unit` (re-checked inside every write)."""
    if actor is None:
        return
    if not can(actor, action, unit):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với đơn vị %(unit)s.") % {"unit": unit.name}
        )


def label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


def stale_message(mine: int, current: int) -> str:
    return _(
        "Báo cáo đã được người khác lưu trong lúc bạn đang sửa (bạn sửa từ phiên bản %(mine)d, hiện đã là "
        "phiên bản %(current)d). Thay đổi của bạn chưa được lưu; hãy tải lại trang để xem bản mới rồi nhập lại."
    ) % {"mine": mine, "current": current}


def _version(data: Mapping | None, required: bool = True) -> int | None:
    raw = get_value(data or {}, "version", None)
    if raw in (None, ""):
        if required:
            raise ValidationError({"version": [_("Phiên bản: thiếu số phiên bản của bản đang sửa.")]})
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"version": [_("Phiên bản: “%(v)s” không hợp lệ.") % {"v": raw}]}) from None


# ---------------------------------------------------------------------------------------------
# Numbers as people type them


def parse_number(raw: Any, field: str) -> Decimal | None:
    """ "95", "95,5", "1.200", "1.200,5", "95.5", "95 %" → Decimal (`parse_decimal`, digits grouped,
    four decimals at most); "" → None; refuses negatives and anything else."""
    if raw is None or (isinstance(raw, str) and not raw.strip().removesuffix("%").strip()):
        return None
    try:
        value = parse_decimal(raw, places=4)
    except TooLarge:
        raise ValidationError(_("%(field)s: số quá lớn.") % {"field": field}) from None
    except ValueError:
        raise ValidationError(
            _("%(field)s: “%(v)s” không phải là số (ví dụ 95 hoặc 95,5).") % {"field": field, "v": raw}
        ) from None
    if value < 0:
        raise ValidationError(_("%(field)s: không được là số âm.") % {"field": field})
    return value


def plain_number(value: Decimal) -> str:
    """A stored value as people type it: Decimal("95.5000") → "95,5", Decimal("2.0000") → "2"."""
    return decimal_text(value)


# ---------------------------------------------------------------------------------------------
# Rounds

ROUND_DATES = (
    "period_start",
    "period_end",
    "opens_on",
    "due_on",
    "grace_until",
    "locks_on",
    "coordinator_due_on",
    "upper_due_on",
)
ROUND_REQUIRED = ("period_start", "period_end", "opens_on", "due_on", "locks_on", "coordinator_due_on")


def clean_round_input(data: Mapping, plan: Plan, rnd: ReportingRound | None = None) -> dict:
    """The round's fields from a form, JSON or a `RoundSpec`, with every error named by field."""
    errors = Errors()
    values: dict[str, Any] = {}
    title = nfc(str(get_value(data, "title", rnd.title if rnd else ""))).strip()
    if not title:
        errors.add("title", _("%(f)s: không được để trống.") % {"f": label(ReportingRound, "title")})
    elif len(title) > 300:
        errors.add("title", _("%(f)s: dài quá 300 ký tự.") % {"f": label(ReportingRound, "title")})
    values["title"] = title
    kind = get_value(data, "kind", rnd.kind if rnd else RoundKind.CUSTOM) or RoundKind.CUSTOM
    if kind not in RoundKind.values:
        errors.add("kind", _("%(f)s: giá trị không hợp lệ.") % {"f": label(ReportingRound, "kind")})
    values["kind"] = kind
    values["note"] = nfc(str(get_value(data, "note", rnd.note if rnd else ""))).strip()
    for name in ROUND_DATES:
        current = getattr(rnd, name) if rnd else None
        try:
            values[name] = parse_date(get_value(data, name, current), label(ReportingRound, name))
        except ValidationError as exc:
            errors.add(name, exc.messages[0])
            values[name] = None
    for name in ROUND_REQUIRED:
        if values[name] is None and name not in errors.errors:
            errors.add(name, _("%(f)s: không được để trống.") % {"f": label(ReportingRound, name)})
    v = values

    def order(later: str, earlier: str, strict: bool = False) -> None:
        a, b = v.get(later), v.get(earlier)
        if a is None or b is None or later in errors.errors:
            return
        if a < b or (strict and a == b):
            errors.add(
                later,
                (
                    _("%(a)s (%(da)s) phải sau %(b)s (%(db)s).")
                    if strict
                    else _("%(a)s (%(da)s) không được trước %(b)s (%(db)s).")
                )
                % {
                    "a": label(ReportingRound, later),
                    "da": short_date(a),
                    "b": label(ReportingRound, earlier).lower(),
                    "db": short_date(b),
                },
            )

    order("period_end", "period_start")
    order("due_on", "period_end")
    order("due_on", "opens_on")
    order("grace_until", "due_on", strict=True)
    order("locks_on", "grace_until" if v.get("grace_until") else "due_on")
    order("coordinator_due_on", "due_on", strict=True)
    order("upper_due_on", "coordinator_due_on", strict=True)
    if v.get("period_end") and not plan.year_from <= v["period_end"].year <= plan.year_to + 1:
        errors.add(
            "period_end",
            _("%(f)s: nằm ngoài thời kỳ của kế hoạch (%(p)s).")
            % {"f": label(ReportingRound, "period_end"), "p": plan.period_label},
        )
    values["upper_round"] = _clean_upper_round(data, plan, rnd, values, errors)
    dates = [v[n] for n in ("due_on", "coordinator_due_on", "upper_due_on") if v.get(n)]
    if dates:
        work = load_calendar(min(dates), max(dates) + dt.timedelta(days=30))
        for name in ("due_on", "coordinator_due_on", "upper_due_on"):
            day = v.get(name)
            if day and name not in errors.errors and not work.is_working_day(day):
                errors.add(
                    name,
                    _("%(f)s: ngày %(d)s là ngày nghỉ; hãy chọn ngày làm việc (gần nhất: %(n)s).")
                    % {
                        "f": label(ReportingRound, name),
                        "d": short_date(day),
                        "n": short_date(work.next_working_day(day)),
                    },
                )
    errors.raise_if_any()
    return values


def _clean_upper_round(
    data: Mapping, plan: Plan, rnd: ReportingRound | None, values: dict, errors: Errors
) -> ReportingRound | None:
    """The round of the upper plan this round feeds: the lower units report, and the unit
    consolidates, before its own report is due upward (`chiso.reporting.rollup`, rule 4)."""
    raw = get_value(data, "upper_round", rnd.upper_round if rnd else None)
    if raw in (None, ""):
        return None
    field = label(ReportingRound, "upper_round")
    upper = raw if isinstance(raw, ReportingRound) else None
    if upper is None and str(raw).isdigit():
        upper = ReportingRound.objects.filter(pk=int(raw)).first()
    if upper is None or not plan.upper_plan_id or upper.plan_id != plan.upper_plan_id:
        errors.add(
            "upper_round",
            _("%(f)s: “%(v)s” không phải là kỳ báo cáo của kế hoạch cấp trên mà kế hoạch này thực hiện.")
            % {"f": field, "v": raw},
        )
        return None
    for name, strict in (("due_on", True), ("coordinator_due_on", False)):
        day = values.get(name)
        if day is None or name in errors.errors:
            continue
        if day > upper.due_on or (strict and day == upper.due_on):
            message = (
                _("%(f)s (%(d)s) phải trước hạn báo cáo của đơn vị lên cấp trên (%(u)s, kỳ “%(r)s”).")
                if strict
                else _(
                    "%(f)s (%(d)s) không được sau hạn báo cáo của đơn vị lên cấp trên (%(u)s, kỳ “%(r)s”)."
                )
            )
            errors.add(
                name,
                message
                % {
                    "f": label(ReportingRound, name),
                    "d": short_date(day),
                    "u": short_date(upper.due_on),
                    "r": upper.title,
                },
            )
    return upper


def _require_reportable(plan: Plan) -> None:
    if plan.state == PlanState.DRAFT:
        raise ValidationError(
            {"__all__": [_("Kế hoạch chưa ban hành; chỉ lập kỳ báo cáo cho kế hoạch đã ban hành.")]}
        )


def create_round(actor, plan: Plan, data: Mapping) -> ReportingRound:
    """One round, numbered after the plan's last round."""
    require(actor, COORDINATE, plan.issuer)
    _require_reportable(plan)
    values = clean_round_input(data, plan)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        number = (locked.reporting_rounds.aggregate(top=Max("number"))["top"] or 0) + 1
        rnd = ReportingRound(plan=locked, number=number, **values)
        audit.save_audited(rnd, actor, note=_("Tạo kỳ báo cáo"))
    return rnd


def create_rounds(actor, plan: Plan, specs: Iterable[RoundSpec]) -> list[ReportingRound]:
    """Save generated rounds (all or none)."""
    require(actor, COORDINATE, plan.issuer)
    _require_reportable(plan)
    cleaned = []
    for spec in specs:
        try:
            cleaned.append(clean_round_input(spec.as_dict(), plan))
        except ValidationError as exc:
            raise ValidationError(
                {
                    "__all__": [
                        _("Kỳ “%(t)s”: %(m)s") % {"t": spec.title, "m": " ".join(exc.messages)},
                    ]
                }
            ) from None
    rounds = []
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        number = locked.reporting_rounds.aggregate(top=Max("number"))["top"] or 0
        for values in cleaned:
            number += 1
            rnd = ReportingRound(plan=locked, number=number, **values)
            audit.save_audited(rnd, actor, note=_("Tạo kỳ báo cáo"))
            rounds.append(rnd)
    return rounds


def update_round(actor, rnd: ReportingRound, data: Mapping) -> ReportingRound:
    require(actor, COORDINATE, rnd.plan.issuer)
    with transaction.atomic():
        locked = ReportingRound.objects.select_for_update().select_related("plan").get(pk=rnd.pk)
        mine = _version(data)
        if mine != locked.version:
            raise ValidationError(
                {
                    "version": [
                        _(
                            "Kỳ báo cáo đã được người khác sửa (bạn sửa từ phiên bản %(mine)d, hiện là %(cur)d); "
                            "hãy tải lại trang."
                        )
                        % {"mine": mine, "cur": locked.version}
                    ]
                }
            )
        values = clean_round_input(data, locked.plan, locked)
        for key, value in values.items():
            setattr(locked, key, value)
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Sửa kỳ báo cáo"))
    return locked


def delete_round(actor, rnd: ReportingRound) -> None:
    require(actor, COORDINATE, rnd.plan.issuer)
    with transaction.atomic():
        locked = ReportingRound.objects.select_for_update().get(pk=rnd.pk)
        if locked.reports.filter(first_submitted_at__isnull=False).exists():
            raise ValidationError({"__all__": [_("Kỳ báo cáo đã có đơn vị gửi báo cáo, không xóa được.")]})
        for report in locked.reports.all():
            audit.delete_audited(report, actor, note=_("Xóa cùng kỳ báo cáo"))
        audit.delete_audited(locked, actor, note=_("Xóa kỳ báo cáo"))


def grant_extension(
    actor, rnd: ReportingRound, unit: Unit, due_on: Any, reason: str, now: dt.datetime | None = None
) -> RoundExtension:
    """The coordinator gives one unit until `due_on` (a working day after the round's due date)."""
    require(actor, COORDINATE, rnd.plan.issuer)
    errors = Errors()
    try:
        day = parse_date(due_on, label(RoundExtension, "due_on"))
    except ValidationError as exc:
        errors.add("due_on", exc.messages[0])
        day = None
    if day is None and "due_on" not in errors.errors:
        errors.add("due_on", _("%(f)s: không được để trống.") % {"f": label(RoundExtension, "due_on")})
    if day is not None and day <= rnd.due_on:
        errors.add(
            "due_on",
            _("%(f)s: phải sau hạn chung của kỳ báo cáo (%(d)s).")
            % {"f": label(RoundExtension, "due_on"), "d": short_date(rnd.due_on)},
        )
    elif day is not None and not load_calendar(day, day).is_working_day(day):
        errors.add(
            "due_on",
            _("%(f)s: ngày %(d)s là ngày nghỉ.")
            % {"f": label(RoundExtension, "due_on"), "d": short_date(day)},
        )
    reason = nfc(reason or "").strip()
    if not reason:
        errors.add("reason", _("%(f)s: cần nêu lý do gia hạn.") % {"f": label(RoundExtension, "reason")})
    if unit.pk not in expected_for_round(rnd).units:
        errors.add("unit", _("Đơn vị %(u)s không phải báo cáo trong kỳ này.") % {"u": unit.name})
    errors.raise_if_any()
    with transaction.atomic():
        ReportingRound.objects.select_for_update().get(pk=rnd.pk)
        extension = RoundExtension.objects.filter(round=rnd, unit=unit).first() or RoundExtension(
            round=rnd, unit=unit
        )
        extension.due_on, extension.reason, extension.granted_by = day, reason[:500], _actor(actor)
        audit.save_audited(extension, actor, note=_("Gia hạn báo cáo"))
        report = UnitReport.objects.filter(round=rnd, unit=unit).first()
        if report is not None:
            ReportEvent.objects.create(
                report=report,
                action=ReportEvent.Action.EXTEND,
                at=_now(now),
                actor=_actor(actor),
                reason=_("Gia hạn đến %(d)s: %(r)s") % {"d": short_date(day), "r": reason},
            )
        notify_unit(
            unit,
            _("Được gia hạn báo cáo: %(t)s") % {"t": rnd.title},
            _("Hạn mới: %(d)s. Lý do: %(r)s") % {"d": short_date(day), "r": reason},
            f"/reporting/rounds/{rnd.pk}/units/{unit.pk}/report/",
        )
    return extension


def extension_due(rnd: ReportingRound, unit_id: int) -> dt.date | None:
    return RoundExtension.objects.filter(round=rnd, unit_id=unit_id).values_list("due_on", flat=True).first()


# ---------------------------------------------------------------------------------------------
# Notifications


def unit_recipients(unit_ids: Iterable[int]):
    """The active users acting for these units who write or coordinate their reports."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__unit_id__in=list(unit_ids),
            memberships__role__in=[Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
        )
        .distinct()
    )


def notify(users: Iterable, title: str, body: str = "", url: str = "") -> int:
    rows = [Notification(user=u, title=title[:300], body=body, url=url[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_unit(unit: Unit, title: str, body: str = "", url: str = "") -> int:
    return notify(unit_recipients([unit.pk]), title, body, url)


def notify_coordinators(plan: Plan, title: str, body: str = "", url: str = "") -> int:
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__unit_id=plan.issuer_id,
            memberships__role__in=[Role.COORDINATOR, Role.ADMIN],
        )
        .distinct()
    )
    return notify(users, title, body, url)


# ---------------------------------------------------------------------------------------------
# Reports


def report_url(report: UnitReport) -> str:
    return f"/reporting/reports/{report.pk}/"


def open_report(actor, rnd: ReportingRound, unit: Unit, now: dt.datetime | None = None) -> UnitReport:
    """The unit's report for the round, created (as a draft listing its tasks) on first use."""
    require(actor, EDIT, unit)
    existing = UnitReport.objects.filter(round=rnd, unit=unit).first()
    if existing is not None:
        return existing
    _require_reportable(rnd.plan)
    expectation = expected_for_round(rnd)
    entry = expectation.units.get(unit.pk)
    if entry is None:
        raise ValidationError(
            {
                "__all__": [
                    _("Đơn vị %(u)s không phải báo cáo trong kỳ “%(r)s”.") % {"u": unit.name, "r": rnd.title}
                ]
            }
        )
    # A unit with its own plan in force implementing the round's plan reports on that plan's tasks.
    lower = lower_plan_for(rnd.plan, unit.pk)
    if lower is not None:
        lower_tasks = list(lower.tasks.order_by("position", "id").only("id", "parent_task_id", "position"))
        lines = [(t, lead) for t, lead, _up in report_lines(entry.task_ids, entry.lead_task_ids, lower_tasks)]
    else:
        lines = [(task_id, task_id in entry.lead_task_ids) for task_id in entry.task_ids]
    try:
        with transaction.atomic():
            report = UnitReport(round=rnd, unit=unit, lower_plan=lower)
            audit.save_audited(report, actor, note=_("Tạo báo cáo"))
            TaskProgress.objects.bulk_create(
                TaskProgress(report=report, task_id=task_id, is_lead=lead) for task_id, lead in lines
            )
            ReportEvent.objects.create(
                report=report, action=ReportEvent.Action.CREATE, at=_now(now), actor=_actor(actor)
            )
    except IntegrityError:
        return UnitReport.objects.get(round=rnd, unit=unit)
    prefill_report(report, actor)
    prefill_from_lower_round(report, actor)
    return report


def _lock_report(report: UnitReport) -> UnitReport:
    return (
        UnitReport.objects.select_for_update()
        .select_related("round", "round__plan", "unit")
        .get(pk=report.pk)
    )


def _refuse_read_only(report: UnitReport) -> None:
    if report.state == ReportState.SUBMITTED:
        message = _(
            "Báo cáo đã gửi ngày %(d)s nên không sửa được. Nếu cần sửa, đề nghị cơ quan điều phối trả lại báo cáo."
        ) % {"d": short_date(timezone.localdate(report.submitted_at)) if report.submitted_at else ""}
        raise ValidationError({"__all__": [message]})
    if report.state == ReportState.APPROVED:
        raise ValidationError({"__all__": [_("Báo cáo đã được duyệt nên không sửa được.")]})


def check_window(report: UnitReport, today: dt.date) -> None:
    """Refuse entry before the round opens, and after the unit's lock date (a returned report may be corrected)."""
    rnd = report.round
    if today < rnd.opens_on:
        raise ValidationError(
            {
                "__all__": [
                    _("Kỳ báo cáo “%(r)s” mở nhập từ ngày %(d)s; chưa gửi hoặc sửa được báo cáo.")
                    % {"r": rnd.title, "d": short_date(rnd.opens_on)}
                ]
            }
        )
    if report.state == ReportState.RETURNED:
        return
    lock = unit_lock(rnd, extension_due(rnd, report.unit_id))
    if today > lock:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Kỳ báo cáo “%(r)s” đã khóa sổ ngày %(d)s; không gửi hoặc sửa được báo cáo. "
                        "Đề nghị cơ quan điều phối gia hạn nếu cần."
                    )
                    % {"r": rnd.title, "d": short_date(lock)}
                ]
            }
        )


def task_label(task) -> str:
    return _("Nhiệm vụ %(n)s") % {"n": task.number or f"#{task.position}"}


def _task_editable(report: UnitReport, progress: TaskProgress) -> bool:
    if report.state == ReportState.DRAFT or report.returned_whole:
        return True
    return bool(progress.return_reason)


def _clean_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "\n".join(nfc(line).rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def _tasks_input(data: Mapping) -> dict[int, Mapping]:
    raw = data.get("tasks") or {}
    result: dict[int, Mapping] = {}
    if isinstance(raw, Mapping):
        items = raw.items()
    else:
        items = ((item.get("task") or item.get("task_id"), item) for item in raw)
    for key, value in items:
        try:
            result[int(key)] = value or {}
        except (TypeError, ValueError):
            raise ValidationError(
                {"tasks": [_("Nhiệm vụ “%(k)s” không thuộc báo cáo này.") % {"k": key}]}
            ) from None
    return result


def save_report(actor, report: UnitReport, data: Mapping, now: dt.datetime | None = None) -> UnitReport:
    """Save the draft (or the returned parts): narrative, and per task status, value and what was done.

    `data`: {"version": n, "results": …, "shortcomings": …, "proposals": …,
    "tasks": {task id: {"status": …, "achieved_value": …, "achieved_note": …, "work_done": …}}}.
    All or nothing. A value differing from the figure pre-filled from the system needs a note.
    """
    require(actor, EDIT, report.unit)
    moment = _now(now)
    with transaction.atomic():
        locked = _lock_report(report)
        _refuse_read_only(locked)
        mine = _version(data)
        if mine != locked.version:
            raise ValidationError({"version": [stale_message(mine, locked.version)]})
        check_window(locked, timezone.localdate(moment))
        errors = Errors()
        partial = locked.state == ReportState.RETURNED and not locked.returned_whole
        narrative: dict[str, str] = {}
        for name in NARRATIVE:
            if name not in data:
                continue
            value = _clean_text(data.get(name))
            if len(value) > TEXT_LIMIT:
                errors.add(
                    name, _("%(f)s: dài quá %(n)d ký tự.") % {"f": label(UnitReport, name), "n": TEXT_LIMIT}
                )
            if partial and value != getattr(locked, name):
                errors.add(
                    name,
                    _("%(f)s: báo cáo chỉ bị trả lại một số nhiệm vụ; phần này không sửa được.")
                    % {"f": label(UnitReport, name)},
                )
            narrative[name] = value
        rows = {p.task_id: p for p in locked.progress.select_related("task")}
        tasks_in = _tasks_input(data)
        changed: list[TaskProgress] = []
        changes: dict[str, list] = {}
        for task_id, values in tasks_in.items():
            progress = rows.get(task_id)
            if progress is None:
                errors.add("tasks", _("Nhiệm vụ mã %(k)s không thuộc báo cáo này.") % {"k": task_id})
                continue
            name = task_label(progress.task)
            before = (progress.status, progress.achieved_value, progress.work_done, progress.achieved_note)
            status = values.get("status", progress.status) or progress.status
            if status not in TaskStatus.values:
                errors.add(
                    f"task-{task_id}-status",
                    _("%(t)s — Tình trạng: giá trị “%(v)s” không hợp lệ.") % {"t": name, "v": status},
                )
                continue
            value = progress.achieved_value
            if "achieved_value" in values:
                try:
                    value = parse_number(
                        values.get("achieved_value"), f"{name} — {label(TaskProgress, 'achieved_value')}"
                    )
                except ValidationError as exc:
                    errors.add(f"task-{task_id}-achieved_value", exc.messages[0])
                    continue
                if not progress.task.has_measurable_target:
                    value = None
            work_done = _clean_text(values.get("work_done", progress.work_done))
            if len(work_done) > TEXT_LIMIT:
                errors.add(
                    f"task-{task_id}-work_done",
                    _("%(t)s — Nội dung đã thực hiện: dài quá %(n)d ký tự.") % {"t": name, "n": TEXT_LIMIT},
                )
                continue
            note = _clean_text(values.get("achieved_note", progress.achieved_note))[:500]
            if value is not None and correction_error(progress, value, note):
                errors.add(
                    f"task-{task_id}-achieved_note",
                    _(
                        "%(t)s — Kết quả đạt được: %(v)s khác số liệu từ hệ thống (%(m)s); "
                        "cần ghi chú lý do sửa số liệu."
                    )
                    % {"t": name, "v": plain_number(value), "m": plain_number(progress.measured_value)},
                )
                continue
            after = (status, value, work_done, note)
            if after == before:
                continue
            if not _task_editable(locked, progress):
                errors.add(
                    f"task-{task_id}-status",
                    _("%(t)s: nhiệm vụ này không bị trả lại nên không sửa được.") % {"t": name},
                )
                continue
            progress.status, progress.achieved_value, progress.work_done, progress.achieved_note = after
            changed.append(progress)
            changes[f"{name}"] = [
                {
                    "status": before[0],
                    "value": str(before[1]) if before[1] is not None else None,
                    "note": before[3],
                },
                {
                    "status": after[0],
                    "value": str(after[1]) if after[1] is not None else None,
                    "note": after[3],
                },
            ]
        errors.raise_if_any()
        if changed:
            TaskProgress.objects.bulk_update(
                changed, ["status", "achieved_value", "work_done", "achieved_note", "updated_at"]
            )
            audit.record(actor, locked, AuditEntry.Action.UPDATE, changes, _("Cập nhật tiến độ nhiệm vụ"))
        for name, value in narrative.items():
            setattr(locked, name, value)
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Lưu báo cáo"))
    return locked


def snapshot(report: UnitReport) -> dict:
    """The report as sent: narrative, every task's progress and evidence (ids kept)."""
    rows = list(
        report.progress.select_related("task")
        .prefetch_related("evidence")
        .order_by("task__position", "task_id")
    )
    return {
        "report": {
            "id": report.pk,
            "round_id": report.round_id,
            "unit_id": report.unit_id,
            "unit_name": report.unit.name,
            "results": report.results,
            "shortcomings": report.shortcomings,
            "proposals": report.proposals,
        },
        "tasks": [
            {
                "progress_id": p.pk,
                "task_id": p.task_id,
                "number": p.task.number,
                "text": p.task.text,
                "is_lead": p.is_lead,
                "status": p.status,
                "achieved_value": str(p.achieved_value) if p.achieved_value is not None else None,
                "achieved_note": p.achieved_note,
                "measured_value": str(p.measured_value) if p.measured_value is not None else None,
                "observation_id": p.observation_id,
                "work_done": p.work_done,
                "evidence": [e.as_dict() for e in p.evidence.all()],
            }
            for p in rows
        ],
    }


def submission_errors(report: UnitReport) -> Errors:
    """What must be filled before a report can be sent."""
    errors = Errors()
    if not report.results.strip():
        errors.add(
            "results",
            _("%(f)s: cần nêu kết quả đạt được trước khi gửi.") % {"f": label(UnitReport, "results")},
        )
    for p in report.progress.select_related("task"):
        name = task_label(p.task)
        if p.task.has_measurable_target and p.status in VALUE_STATUSES and p.achieved_value is None:
            errors.add(
                f"task-{p.task_id}-achieved_value",
                _("%(t)s — Kết quả đạt được: cần nhập số liệu (chỉ tiêu: %(target)s).")
                % {"t": name, "target": p.task.measurable_label},
            )
        if p.status == TaskStatus.DONE and not p.work_done.strip():
            errors.add(
                f"task-{p.task_id}-work_done",
                _("%(t)s — Nội dung đã thực hiện: cần nêu nội dung đã hoàn thành.") % {"t": name},
            )
    return errors


def submit_report(actor, report: UnitReport, version: int, now: dt.datetime | None = None) -> UnitReport:
    """Send the report (first time or again after a return); it becomes read-only and is snapshotted."""
    require(actor, EDIT, report.unit)
    moment = _now(now)
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state not in (ReportState.DRAFT, ReportState.RETURNED):
            _refuse_read_only(locked)
        if version != locked.version:
            raise ValidationError({"version": [stale_message(version, locked.version)]})
        check_window(locked, timezone.localdate(moment))
        submission_errors(locked).raise_if_any()
        again = locked.state == ReportState.RETURNED
        locked.state = ReportState.SUBMITTED
        locked.submitted_at = moment
        locked.first_submitted_at = locked.first_submitted_at or moment
        locked.submitted_by = _actor(actor)
        locked.returned_whole = False
        locked.return_reason = ""
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Gửi lại báo cáo") if again else _("Gửi báo cáo"))
        locked.progress.exclude(return_reason="").update(return_reason="")
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        ReportVersion.objects.create(
            report=locked,
            number=number,
            submitted_at=moment,
            submitted_by=_actor(actor),
            data=snapshot(locked),
        )
        ReportEvent.objects.create(
            report=locked,
            action=ReportEvent.Action.SUBMIT,
            at=moment,
            actor=_actor(actor),
            reason=_("Gửi lại lần %(n)d") % {"n": number} if again else "",
        )
        notify_coordinators(
            locked.round.plan,
            _("%(u)s đã gửi báo cáo: %(r)s") % {"u": locked.unit.name, "r": locked.round.title},
            url=report_url(locked),
        )
    return locked


def return_report(
    actor,
    report: UnitReport,
    reason: str,
    task_ids: Iterable[int] | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> UnitReport:
    """The coordinator sends the report back, whole or for some tasks, always with a reason."""
    require(actor, COORDINATE, report.round.plan.issuer)
    moment = _now(now)
    reason = _clean_text(reason)
    task_ids = sorted({int(t) for t in task_ids or []})
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise ValidationError(
                {
                    "__all__": [
                        _("Chỉ trả lại được báo cáo đã gửi và chưa duyệt (hiện: %(s)s).")
                        % {"s": locked.get_state_display()}
                    ]
                }
            )
        if version is not None and version != locked.version:
            raise ValidationError({"version": [stale_message(version, locked.version)]})
        if not reason:
            raise ValidationError({"reason": [_("Lý do trả lại: không được để trống.")]})
        rows = {p.task_id: p for p in locked.progress.all()}
        unknown = [t for t in task_ids if t not in rows]
        if unknown:
            raise ValidationError({"tasks": [_("Có nhiệm vụ không thuộc báo cáo này.")]})
        for task_id in task_ids:
            rows[task_id].return_reason = reason
        if task_ids:
            TaskProgress.objects.bulk_update([rows[t] for t in task_ids], ["return_reason"])
        locked.state = ReportState.RETURNED
        locked.returned_whole = not task_ids
        locked.return_reason = reason
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Trả lại báo cáo"))
        ReportEvent.objects.create(
            report=locked,
            action=ReportEvent.Action.RETURN,
            at=moment,
            actor=_actor(actor),
            reason=reason,
            task_ids=task_ids,
        )
        notify_unit(
            locked.unit,
            _("Báo cáo bị trả lại: %(r)s") % {"r": locked.round.title},
            reason,
            report_url(locked),
        )
    return locked


def approve_report(
    actor, report: UnitReport, version: int | None = None, now: dt.datetime | None = None
) -> UnitReport:
    require(actor, COORDINATE, report.round.plan.issuer)
    moment = _now(now)
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise ValidationError(
                {
                    "__all__": [
                        _("Chỉ duyệt được báo cáo đã gửi (hiện: %(s)s).") % {"s": locked.get_state_display()}
                    ]
                }
            )
        if version is not None and version != locked.version:
            raise ValidationError({"version": [stale_message(version, locked.version)]})
        locked.state = ReportState.APPROVED
        locked.approved_at = moment
        locked.approved_by = _actor(actor)
        locked.version += 1
        audit.save_audited(locked, actor, note=_("Duyệt báo cáo"))
        ReportEvent.objects.create(
            report=locked, action=ReportEvent.Action.APPROVE, at=moment, actor=_actor(actor)
        )
        notify_unit(
            locked.unit, _("Báo cáo đã được duyệt: %(r)s") % {"r": locked.round.title}, url=report_url(locked)
        )
    return locked


# ---------------------------------------------------------------------------------------------
# Evidence


def _lock_editable_progress(progress: TaskProgress, moment: dt.datetime) -> tuple[UnitReport, TaskProgress]:
    report = _lock_report(progress.report)
    _refuse_read_only(report)
    check_window(report, timezone.localdate(moment))
    row = TaskProgress.objects.select_related("task").get(pk=progress.pk)
    if not _task_editable(report, row):
        raise ValidationError(
            {
                "__all__": [
                    _("%(t)s: nhiệm vụ này không bị trả lại nên không sửa được.")
                    % {"t": task_label(row.task)}
                ]
            }
        )
    return report, row


def add_evidence(
    actor, progress: TaskProgress, data: Mapping, upload=None, now: dt.datetime | None = None
) -> Evidence:
    """A document reference, a checked file or a link as evidence of one task's progress."""
    require(actor, EDIT, progress.report.unit)
    moment = _now(now)
    kind = get_value(data, "kind", "") or (
        Evidence.Kind.FILE if upload is not None else Evidence.Kind.DOCUMENT
    )
    errors = Errors()
    evidence = Evidence(progress=progress, kind=kind, added_by=_actor(actor))
    evidence.title = _clean_text(get_value(data, "title", ""))[:500]
    checked: CheckedFile | None = None
    if kind == Evidence.Kind.DOCUMENT:
        evidence.doc_number = nfc(str(get_value(data, "doc_number", ""))).strip()[:80]
        evidence.doc_issuer = nfc(str(get_value(data, "doc_issuer", ""))).strip()[:300]
        try:
            evidence.doc_date = parse_date(get_value(data, "doc_date", ""), label(Evidence, "doc_date"))
        except ValidationError as exc:
            errors.add("doc_date", exc.messages[0])
        for name in ("doc_number", "doc_date", "doc_issuer"):
            if not getattr(evidence, name) and name not in errors.errors:
                errors.add(name, _("%(f)s: không được để trống.") % {"f": label(Evidence, name)})
        if evidence.doc_date and evidence.doc_date > timezone.localdate(moment):
            errors.add("doc_date", _("%(f)s: không được sau hôm nay.") % {"f": label(Evidence, "doc_date")})
    elif kind == Evidence.Kind.FILE:
        if upload is None:
            errors.add("file", _("%(f)s: chưa chọn tệp.") % {"f": label(Evidence, "file")})
        else:
            try:
                checked = (
                    upload
                    if isinstance(upload, CheckedFile)
                    else read_upload(upload, label(Evidence, "file"))
                )
            except ValidationError as exc:
                errors.add("file", exc.messages[0])
    elif kind == Evidence.Kind.LINK:
        url = str(get_value(data, "url", "")).strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add(
                "url",
                _("%(f)s: “%(v)s” không phải là địa chỉ http(s) hợp lệ.")
                % {"f": label(Evidence, "url"), "v": url},
            )
        evidence.url = url[:500]
    else:
        errors.add("kind", _("Loại minh chứng không hợp lệ."))
    errors.raise_if_any()
    stored: str | None = None
    try:
        with transaction.atomic():
            _lock_editable_progress(progress, moment)
            if checked is not None:
                ext = checked.name.rpartition(".")[2].lower()
                stored = default_storage.save(
                    f"reporting/evidence/{moment:%Y}/{uuid.uuid4().hex}.{ext}", ContentFile(checked.content)
                )
                evidence.file.name = stored
                evidence.file_name = checked.name
                evidence.file_type = checked.kind
                evidence.file_size = checked.size
                evidence.sha256 = checked.sha256
            audit.save_audited(evidence, actor, note=_("Thêm minh chứng"))
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return evidence


def remove_evidence(actor, evidence: Evidence, now: dt.datetime | None = None) -> None:
    progress = evidence.progress
    require(actor, EDIT, progress.report.unit)
    with transaction.atomic():
        _lock_editable_progress(progress, _now(now))
        name = evidence.file.name if evidence.file else ""
        audit.delete_audited(evidence, actor, note=_("Xóa minh chứng"))
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


# ---------------------------------------------------------------------------------------------
# Who may see what


def can_view_report(user, report: UnitReport) -> bool:
    return can(user, VIEW, report.unit_id) or can(user, VIEW, report.round.plan.issuer_id)


def can_edit_report(user, report: UnitReport) -> bool:
    return can(user, EDIT, report.unit_id)


def can_coordinate_round(user, rnd: ReportingRound) -> bool:
    return can(user, COORDINATE, rnd.plan.issuer_id)


def member_units(user) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
