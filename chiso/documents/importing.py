"""Importing an existing plan: upload → parse (outside the request) → review and correct → save a draft.

    create_job(user, unit, filename, data)   checks the file by its content and keeps it in a job
    start_job(job)                           runs `run_job` in the background (or at once, see below)
    run_job(job_id)                          parses with `chiso.documents.parser` and builds the review
    correct_header(job, user, data)          applies the user's corrections to the plan's header
    correct_task(job, user, row, data)       … to one task row; `drop_task` leaves a row out
    save_as_plan(job, user) -> Plan          one transaction through `chiso.plans.services`

The review (`ImportJob.review`) is the parse turned into the inputs the plans services take, with
what the parser was unsure of kept beside it: every printed unit name with its match status, the
criterion the row prints and whether it matched the catalogue, the timeframe's kind and due date,
and which header fields the document did not give. Corrections are checked when they are made (a
unit outside the user's scope or not existing on the plan's date, a criterion outside the plan's
frameworks, an impossible date are refused, naming the row and the field); the save re-checks
everything through the plans services and saves nothing when any row is refused.

Where the parse runs: with Django's default task backend (ImmediateBackend, no worker) a thread
per job, at most `MAX_PARALLEL` at once, writing its progress to the job; with a real task backend
configured in TASKS, a task enqueued there. Setting CHISO_IMPORT_IN_BACKGROUND = False runs it in
the request (tests).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.tasks import task as background_task
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.models import AuditEntry
from chiso.core.text import fold, nfc
from chiso.documents.errors import DocumentImportError, DocumentTooLarge
from chiso.documents.limits import DEFAULT_LIMITS, Limits
from chiso.documents.models import ImportJob, ImportStatus
from chiso.units.models import Unit
from chiso.units.scope import EDIT, VIEW, can, unit_scope

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PARALLEL = 2
_slots = threading.BoundedSemaphore(MAX_PARALLEL)

# Timeframes that need no due date: continuous work, every year, when an event happens.
NO_DUE_KINDS = {"continuous", "yearly", "event"}
STANDARD_GROUPS = ("standard:communes", "standard:bodies")

WHAT = {
    "lower_plan": "Ban hành kế hoạch cấp dưới",
    "report": "Báo cáo",
    "data_cutoff": "Chốt số liệu",
    "other": "Thời hạn",
}
PERIOD = {
    "half_year": "6 tháng",
    "year": "năm",
    "quarter": "quý",
    "nine_months": "9 tháng",
    "interim": "sơ kết",
    "final": "tổng kết",
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "CHISO_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES))


def in_background() -> bool:
    return bool(getattr(settings, "CHISO_IMPORT_IN_BACKGROUND", True))


# ---------------------------------------------------------------------------------------------
# Upload


def check_upload(data: bytes, filename: str) -> str:
    """The file's format ("docx", "pdf", "md") told by its content; DocumentImportError otherwise."""
    from chiso.documents.readers import sniff

    limit = max_upload_bytes()
    if len(data) > limit:
        raise DocumentTooLarge(
            _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp đến %(max)s MB.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}".replace(".", ","), "max": limit // (1024 * 1024)}
        )
    if not data.strip():
        raise DocumentImportError(_("Tệp rỗng, không có nội dung."), code="empty")
    return sniff(data, filename)


def clean_filename(filename: str) -> str:
    name = nfc(os.path.basename(filename or "").replace("\x00", "")).strip()
    return (name or "tep-khong-ten")[-255:]


def create_job(user, unit: Unit, filename: str, data: bytes) -> ImportJob:
    """A queued job for `data`, whose format is checked first. Refused when `user` may not write `unit`'s plans."""
    if not can(user, EDIT, unit):
        raise PermissionDenied(
            _("Bạn không có quyền soạn kế hoạch của đơn vị %(unit)s.") % {"unit": unit.name}
        )
    fmt = check_upload(data, filename)
    job = ImportJob(
        owner=user,
        unit=unit,
        filename=clean_filename(filename),
        content=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        stage=_("Đang chờ xử lý"),
    )
    with transaction.atomic():
        job.save()
        audit.record(
            user,
            job,
            AuditEntry.Action.CREATE,
            {"filename": [None, job.filename], "unit": [None, unit.name], "size": [None, job.size]},
            _("Tải lên kế hoạch để nhập"),
        )
    return job


# ---------------------------------------------------------------------------------------------
# Running the parse


@background_task
def parse_import(job_id: int) -> str:
    """The parse of one job, for a task backend with workers."""
    return run_job(job_id).status


def start_job(job: ImportJob) -> None:
    """Parse `job` outside the request once the current transaction commits."""
    if not in_background():
        run_job(job.pk)
        return
    from django.tasks import task_backends
    from django.tasks.backends.immediate import ImmediateBackend

    if isinstance(task_backends["default"], ImmediateBackend):
        transaction.on_commit(lambda: _spawn(job.pk))
    else:
        transaction.on_commit(lambda: parse_import.enqueue(job.pk))


def _spawn(job_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"chiso-import-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _run_in_thread(job_id: int) -> None:
    try:
        with _slots:
            run_job(job_id)
    except Exception:  # the job records its own failures; this is the last resort
        logger.exception("Import job %s crashed", job_id)
    finally:
        connection.close()


def _progress(job_id: int, percent: int, stage: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(progress=percent, stage=stage[:200], updated_at=timezone.now())


def _fail(job_id: int, code: str, message: str) -> None:
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED,
        error_code=code[:30],
        error_message=message,
        stage=_("Không đọc được tệp"),
        finished_at=now,
        updated_at=now,
    )


def run_job(job_id: int, limits: Limits = DEFAULT_LIMITS) -> ImportJob:
    """Parse the job's file, resolve units and criteria, build the review. Failures are kept on the job."""
    from chiso.documents.parser import parse_document

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("unit", "owner").get(pk=job_id)
        if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return job
        now = timezone.now()
        job.status, job.started_at, job.progress = ImportStatus.RUNNING, now, 5
        job.stage = _("Đang đọc tệp và nhận dạng bảng nhiệm vụ")
        job.error_code, job.error_message = "", ""
        job.save(
            update_fields=[
                "status",
                "started_at",
                "progress",
                "stage",
                "error_code",
                "error_message",
                "updated_at",
            ]
        )
    try:
        _progress(job.pk, 15, _("Đang đọc tệp và nhận dạng bảng nhiệm vụ"))
        parsed = parse_document(bytes(job.content), job.filename, limits=limits, resolve=False)
        _progress(job.pk, 60, _("Đang đối chiếu đơn vị và tiêu chí"))
        parsed, detected = _resolve(parsed, job)
        _progress(job.pk, 85, _("Đang chuẩn bị bản rà soát"))
        result = parsed.as_dict()
        result["detected_issuer"] = detected
        review = build_review(result, job.owner, job.unit, job.filename)
    except DocumentImportError as exc:
        _fail(job.pk, exc.code, " ".join(str(exc.message).split()))
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _fail(
            job.pk,
            "internal",
            _(
                "Có lỗi ngoài dự kiến khi đọc tệp; tệp chưa được nhập. Hãy thử lại hoặc báo quản trị hệ thống."
            ),
        )
    else:
        now = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.PARSED,
            progress=100,
            stage=_("Đã đọc xong"),
            result=result,
            review=review,
            finished_at=now,
            updated_at=now,
        )
    job.refresh_from_db()
    return job


def _resolve(parsed, job: ImportJob):
    """Resolve units against the issuer the document names when the user may see it, else the chosen unit."""
    from chiso.documents.parser import resolve_plan

    scope = unit_scope(job.owner, VIEW)
    plan = copy.deepcopy(parsed)
    resolve_plan(plan)
    detected = plan.issuer_unit
    if detected is None or detected["id"] not in scope:
        plan = copy.deepcopy(parsed)
        resolve_plan(plan, job.unit)
        plan.warnings.append(
            _(
                "Không xác định được cơ quan ban hành ghi trên văn bản trong phạm vi của bạn; "
                "tên đơn vị được đối chiếu với các đơn vị của %(unit)s."
            )
            % {"unit": job.unit.name}
        )
        detected = None
    return plan, detected


def retry_job(job: ImportJob, user) -> ImportJob:
    """Parse a failed (or interrupted) job again."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == ImportStatus.SAVED:
            raise ValidationError(_("Tệp này đã được lưu thành kế hoạch."))
        if locked.is_pending and not locked.is_stale:
            return locked
        locked.status, locked.progress = ImportStatus.QUEUED, 0
        locked.stage = _("Đang chờ xử lý")
        locked.error_code, locked.error_message = "", ""
        locked.result, locked.review = None, None
        locked.save()
        audit.record(
            user, locked, AuditEntry.Action.UPDATE, {"status": [job.status, "queued"]}, _("Đọc lại tệp")
        )
        start_job(locked)
    return locked


def delete_job(job: ImportJob, user) -> None:
    with transaction.atomic():
        audit.record(
            user, job, AuditEntry.Action.DELETE, {"filename": [job.filename, None]}, _("Xóa lượt nhập")
        )
        job.delete()


# ---------------------------------------------------------------------------------------------
# The review: the parse as plans-service inputs, with what is uncertain


def standard_group_of(name: str) -> str | None:
    """ "UBND các xã, thị trấn" → "standard:communes"; "Các phòng, ban, ngành" → "standard:bodies"."""
    folded = fold(name)
    if any(word in folded for word in ("cac xa", "cac phuong", "cac thi tran", "cap xa", "xa, thi tran")):
        return "standard:communes"
    if any(
        word in folded
        for word in ("cac phong", "cac co quan", "cac don vi", "cac ban", "cac nganh", "cac so")
    ):
        return "standard:bodies"
    return None


def standard_label(ref: str) -> str:
    return (
        _("Các xã, phường trực thuộc (nhóm)")
        if ref == "standard:communes"
        else _("Các cơ quan, đơn vị trực thuộc (nhóm)")
    )


def _entry(match: Mapping, scope) -> dict:
    text = nfc(str(match.get("text") or ""))[:300]
    status = match.get("status") or "unmatched"
    entry: dict[str, Any] = {"text": text, "status": status, "ref": None, "label": ""}
    if status == "matched" and match.get("unit_id") is not None:
        if match["unit_id"] in scope:
            entry.update(ref=f"unit:{match['unit_id']}", label=match.get("unit_name") or text)
        else:
            entry.update(status="unmatched", note=_("đơn vị tìm được nằm ngoài phạm vi của bạn"))
    elif status == "group":
        ref = standard_group_of(text)
        if ref:
            entry.update(ref=ref, label=standard_label(ref))
    elif status == "ambiguous":
        entry["alternatives"] = list(match.get("alternatives") or [])[:5]
    return entry


def _deadline_label(deadline: Mapping) -> str:
    label = WHAT.get(deadline.get("what") or "other", "Thời hạn")
    if deadline.get("period"):
        label += " " + PERIOD.get(deadline["period"], deadline["period"])
    if deadline.get("to"):
        label += f" (gửi {deadline['to']})"
    return label[:300]


def _criterion_ids(result: Mapping) -> set[int]:
    """The catalogue criteria the parser matched."""
    ids: set[int] = set()
    for task in result.get("tasks", []):
        value = (task.get("canonical_criterion") or {}).get("id")
        if isinstance(value, int):
            ids.add(value)
    return ids


def _frameworks_of(result: Mapping, year: int | None, user) -> list[int]:
    """Framework versions: those of the matched criteria, and the version in force for any index
    the plan addresses without a matched criterion."""
    from chiso.frameworks.catalog import version_for
    from chiso.frameworks.models import Criterion, FrameworkVersion

    ids = _criterion_ids(result)
    versions = list(
        Criterion.objects.filter(pk__in=ids).values_list("version_id", "version__framework__kind").distinct()
    )
    chosen = [pk for pk, _kind in versions]
    kinds_done = {fold(kind).replace(" ", "_") for _pk, kind in versions}
    for kind in result.get("plan", {}).get("frameworks", []):
        if fold(kind).replace(" ", "_") in kinds_done:
            continue
        version = version_for(kind, year)
        if version is not None and version.pk not in chosen:
            chosen.append(version.pk)
    visible = set(FrameworkVersion.objects.restrict(user).filter(pk__in=chosen).values_list("pk", flat=True))
    return [pk for pk in dict.fromkeys(chosen) if pk in visible]


def _upper_plan(reference: Mapping, user) -> int | None:
    """An issued plan in chiso the user may see with this number, symbol and date."""
    from chiso.plans.models import Plan, PlanState

    if not (reference.get("number") and reference.get("symbol") and reference.get("issued_on")):
        return None
    found = list(
        Plan.objects.restrict(user)
        .exclude(state=PlanState.DRAFT)
        .filter(number=reference["number"], symbol=reference["symbol"], issued_on=reference["issued_on"])
        .values_list("pk", flat=True)[:2]
    )
    return found[0] if len(found) == 1 else None


def build_review(result: Mapping, user, unit: Unit, filename: str = "") -> dict:
    """The review of a parse (`ParsedPlan.as_dict()`): header inputs, task rows, what was not found."""
    scope = unit_scope(user, VIEW)
    plan = result["plan"]
    number, symbol = plan.get("number") or "", plan.get("symbol") or ""
    if number and symbol:
        number_symbol = f"{number}/{symbol}"
    elif symbol:
        number_symbol = f"/{symbol}"
    else:
        number_symbol = number
    issued_on = plan.get("issued_on")
    year_from = int(plan["period_start"][:4]) if plan.get("period_start") else None
    year_to = int(plan["period_end"][:4]) if plan.get("period_end") else None
    if year_from is None and issued_on:
        year_from = int(issued_on[:4])
    year_to = year_to or year_from

    references = []
    upper_plan = None
    for kind, items in (
        ("implements", plan.get("implements") or []),
        ("replaces", plan.get("supersedes") or []),
    ):
        for item in items:
            target = _upper_plan(item, user) if kind == "implements" else None
            if target and upper_plan is None:
                upper_plan = target
            ns = f"{item.get('number') or ''}/{item.get('symbol') or ''}".strip("/")
            references.append(
                {
                    "kind": kind,
                    "number_symbol": ns[:80],
                    "issued_on": item.get("issued_on"),
                    "issuer_name": (item.get("issuer") or "")[:300],
                    "title": "",
                    "document": item.get("kind") or "",
                    "target": target,
                    "keep": True,
                }
            )
    deadlines = []
    lower_due_on, lower_days = None, None
    for item in plan.get("deadlines") or []:
        if item.get("what") == "lower_plan":
            if item.get("due") and lower_due_on is None and lower_days is None:
                lower_due_on = item["due"]
            elif item.get("working_days") and lower_due_on is None and lower_days is None:
                lower_days = item["working_days"]
            continue
        due = item.get("due") or (item.get("end") if item.get("what") == "data_cutoff" else None)
        if due:
            deadlines.append(
                {"label": _deadline_label(item), "due_on": due, "text": item.get("text", ""), "keep": True}
            )

    header = {
        "issuer": unit.pk,
        "number_symbol": number_symbol,
        "place": (plan.get("place") or "")[:100],
        "issued_on": issued_on,
        "title": (plan.get("title") or "")[:500],
        "year_from": year_from,
        "year_to": year_to,
        "issuer_label": (plan.get("issuer") or "")[:300],
        "issuer_parent_label": (plan.get("issuer_parent") or "")[:300],
        "frameworks": _frameworks_of(result, year_from, user),
        "upper_plan": upper_plan,
        "references": references,
        "deadlines": deadlines,
        "lower_plan_due_on": lower_due_on,
        "lower_plan_due_working_days": lower_days,
    }
    found = {
        "issuer": bool(plan.get("issuer")),
        "number_symbol": bool(number and symbol),
        "place": bool(plan.get("place")),
        "issued_on": bool(issued_on),
        "title": bool(plan.get("title")),
        "period": bool(plan.get("period_start")),
        "implements": bool(plan.get("implements")),
        "replaces": bool(plan.get("supersedes")),
        "deadlines": bool(plan.get("deadlines")),
    }

    from chiso.frameworks.models import Criterion

    version_of = dict(Criterion.objects.filter(pk__in=_criterion_ids(result)).values_list("pk", "version_id"))
    tasks = []
    for row, item in enumerate(result.get("tasks", []), start=1):
        timeframe = item.get("timeframe") or {}
        dimension = item.get("dimension") or {}
        code, name = item.get("criterion_code") or "", item.get("criterion_name") or ""
        canonical = item.get("canonical_criterion")
        source = item.get("source") or {}
        criteria = []
        if canonical and canonical.get("id") in version_of:
            criteria.append(
                {
                    "id": canonical["id"],
                    "label": f"{canonical.get('code', '')} {canonical.get('name', '')}".strip(),
                    "version": version_of[canonical["id"]],
                }
            )
        tasks.append(
            {
                "row": row,
                "dropped": False,
                "edited": False,
                "source": {
                    "page": source.get("page"),
                    "line": source.get("line"),
                    "from": source.get("from"),
                    "section": item.get("section") or "",
                    "criterion": " ".join(p for p in (code, name) if p),
                    "description": item.get("description") or "",
                    "target": item.get("target") or "",
                    "output": item.get("output") or "",
                    "lead": "; ".join(item.get("lead_units") or []),
                    "partners": "; ".join(item.get("partner_units") or []),
                    "timeframe": timeframe.get("text") or "",
                },
                "group_code": (dimension.get("code") or "")[:20],
                "group_title": (dimension.get("name") or item.get("section") or "")[:300],
                "criterion_label": " ".join(p for p in (code, name) if p)[:500],
                "printed_criterion": bool(code or name),
                "text": item.get("description") or "",
                "target_text": item.get("target") or "",
                "output": item.get("output") or "",
                "timeframe_text": (timeframe.get("text") or "")[:300],
                "timeframe_kind": timeframe.get("kind") or "unknown",
                "due_on": timeframe.get("due"),
                "due_set": False,
                "criteria": criteria,
                "leads": [_entry(m, scope) for m in item.get("lead_resolved") or []]
                or [
                    {"text": t, "status": "unmatched", "ref": None, "label": ""}
                    for t in item.get("lead_units") or []
                ],
                "partners": [_entry(m, scope) for m in item.get("partner_resolved") or []]
                or [
                    {"text": t, "status": "unmatched", "ref": None, "label": ""}
                    for t in item.get("partner_units") or []
                ],
            }
        )
    return {
        "header": header,
        "found": found,
        "tasks": tasks,
        "warnings": list(result.get("warnings") or []),
        "detected_issuer": result.get("detected_issuer"),
        "filename": filename,
    }


# ---------------------------------------------------------------------------------------------
# What the review flags


def task_flags(task: Mapping, frameworks: list[int] | None = None) -> list[dict]:
    """What a reviewer should look at in a row: {"field", "message"}."""
    flags = []
    if frameworks is not None:
        for criterion in task.get("criteria", []):
            if criterion.get("version") not in frameworks:
                flags.append(
                    {
                        "field": "criteria",
                        "message": _("Tiêu chí “%(c)s” không thuộc bộ chỉ số đã chọn của kế hoạch")
                        % {"c": criterion["label"]},
                    }
                )
    for key, label in (("leads", _("Đơn vị chủ trì")), ("partners", _("Đơn vị phối hợp"))):
        for entry in task.get(key, []):
            if entry.get("ref"):
                continue
            if entry.get("status") == "ambiguous":
                flags.append(
                    {
                        "field": key,
                        "message": _("%(f)s: “%(n)s” trùng tên nhiều đơn vị")
                        % {"f": label, "n": entry["text"]},
                    }
                )
            elif entry.get("status") == "post":
                continue  # a person's post: kept as printed
            elif entry.get("status") == "group":
                flags.append(
                    {
                        "field": key,
                        "message": _("%(f)s: nhóm “%(n)s” chưa gắn với nhóm đơn vị")
                        % {"f": label, "n": entry["text"]},
                    }
                )
            else:
                flags.append(
                    {
                        "field": key,
                        "message": _("%(f)s: “%(n)s” chưa khớp đơn vị nào")
                        % {"f": label, "n": entry["text"]},
                    }
                )
    if not task.get("leads"):
        flags.append({"field": "leads", "message": _("Chưa có đơn vị chủ trì")})
    if task.get("printed_criterion") and not task.get("criteria"):
        flags.append({"field": "criteria", "message": _("Tiêu chí chưa khớp danh mục bộ chỉ số")})
    if not task.get("timeframe_text"):
        flags.append({"field": "timeframe_text", "message": _("Chưa có thời gian thực hiện")})
    elif not task.get("due_on") and task.get("timeframe_kind") not in NO_DUE_KINDS:
        flags.append({"field": "due_on", "message": _("Chưa xác định được hạn hoàn thành")})
    return flags


HEADER_REQUIRED = ("issuer", "number_symbol", "place", "issued_on", "title", "period")


def header_flags(review: Mapping) -> dict[str, str]:
    """{field: message} for header fields the document did not give (or that are still empty)."""
    header, found = review["header"], review.get("found", {})
    flags = {}
    for name in HEADER_REQUIRED:
        value = (
            header.get("year_from")
            if name == "period"
            else header.get(name if name != "issuer" else "issuer_label")
        )
        if not found.get(name) and not review.get("header_edited", {}).get(name):
            flags[name] = _("Không tìm thấy trong văn bản") if not value else _("Suy ra, cần kiểm tra")
        elif not value:
            flags[name] = _("Còn trống")
    return flags


# ---------------------------------------------------------------------------------------------
# Corrections


def row_label(task: Mapping) -> str:
    """ "Dòng 3 (trang 2, dòng 115)"."""
    source = task.get("source") or {}
    where = []
    if source.get("page"):
        where.append(_("trang %(p)s") % {"p": source["page"]})
    if source.get("line"):
        where.append(_("dòng %(l)s") % {"l": source["line"]})
    label = _("Dòng %(n)s") % {"n": task["row"]}
    return f"{label} ({', '.join(where)})" if where else label


def reference_day(header: Mapping) -> dt.date:
    """The day the plan's units are read on (as `chiso.plans.validation.reference_date`)."""
    if header.get("issued_on"):
        try:
            return dt.date.fromisoformat(str(header["issued_on"]))
        except ValueError:
            pass
    today = timezone.localdate()
    year_from = header.get("year_from") or today.year
    year_to = header.get("year_to") or year_from
    if year_to < today.year:
        return dt.date(year_from, 1, 1)
    return today


def _locked(job: ImportJob) -> ImportJob:
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == ImportStatus.SAVED:
        raise ValidationError(
            {"__all__": [_("Tệp này đã được lưu thành kế hoạch; không sửa bản rà soát được nữa.")]}
        )
    if not locked.is_reviewable:
        raise ValidationError({"__all__": [_("Tệp chưa đọc xong, chưa rà soát được.")]})
    return locked


def _decode_entry(raw: Any) -> dict:
    if isinstance(raw, Mapping):
        return dict(raw)
    text = str(raw).strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return {"ref": text, "text": ""}
        return value if isinstance(value, dict) else {"ref": text, "text": ""}
    return {"ref": text, "text": ""}


def clean_entries(values: list, key: str, user, day: dt.date, errors) -> list[dict]:
    """Units and groups posted for a row: {"ref", "text"} or a bare ref; refused when unknown,
    outside the user's scope, or not existing on `day`."""
    from chiso.core.vndates import short_date
    from chiso.plans.models import UnitGroup
    from chiso.plans.validation import TASK_LABELS

    label = TASK_LABELS[key]
    result: list[dict] = []
    seen: set[str] = set()
    for raw in values:
        item = _decode_entry(raw)
        ref = str(item.get("ref") or "").strip() or None
        text = nfc(str(item.get("text") or "")).strip()[:300]
        status = str(item.get("status") or "")
        if ref is None:
            if text and text not in seen:
                seen.add(text)
                kept = status if status in ("unmatched", "ambiguous", "group", "post") else "unmatched"
                result.append({"text": text, "status": kept, "ref": None, "label": ""})
            continue
        kind, _sep, pk = ref.partition(":")
        if ref in STANDARD_GROUPS:
            entry = {
                "text": text or standard_label(ref),
                "status": "group",
                "ref": ref,
                "label": standard_label(ref),
            }
        elif kind == "unit" and pk.isdigit():
            unit = Unit.objects.restrict(user).filter(pk=int(pk)).first()
            if unit is None:
                errors.add(
                    key, _("%(field)s: không tìm thấy đơn vị “%(v)s”.") % {"field": label, "v": text or ref}
                )
                continue
            if not unit.is_valid_on(day):
                errors.add(
                    key,
                    _("%(field)s: đơn vị “%(unit)s” không còn hoặc chưa có hiệu lực vào ngày %(d)s.")
                    % {"field": label, "unit": unit.name, "d": short_date(day)},
                )
                continue
            entry = {"text": text or unit.name, "status": "matched", "ref": ref, "label": unit.name}
        elif kind == "group" and pk.isdigit():
            group = UnitGroup.objects.restrict(user).filter(pk=int(pk)).first()
            if group is None:
                errors.add(
                    key,
                    _("%(field)s: không tìm thấy nhóm đơn vị “%(v)s”.") % {"field": label, "v": text or ref},
                )
                continue
            entry = {"text": text or group.name, "status": "group", "ref": ref, "label": group.name}
        else:
            errors.add(
                key, _("%(field)s: không tìm thấy đơn vị “%(v)s”.") % {"field": label, "v": text or ref}
            )
            continue
        if entry["ref"] in seen:
            continue
        seen.add(entry["ref"])
        result.append(entry)
    return result


def clean_criteria(values: list, versions: list[int], user, errors) -> list[dict]:
    from chiso.frameworks.models import Criterion

    ids = [int(v) for v in values if str(v).strip().isdigit()]
    found = {c.pk: c for c in Criterion.objects.restrict(user).filter(pk__in=ids).select_related("version")}
    criteria: list[dict] = []
    for raw in values:
        raw = str(raw).strip()
        criterion = found.get(int(raw)) if raw.isdigit() else None
        if criterion is None:
            errors.add("criteria", _("Tiêu chí: không tìm thấy tiêu chí “%(v)s”.") % {"v": raw})
        elif criterion.version_id not in versions:
            errors.add(
                "criteria",
                _("Tiêu chí: “%(c)s” thuộc %(v)s, không thuộc bộ chỉ số của kế hoạch.")
                % {"c": f"{criterion.code} {criterion.name_vi}", "v": criterion.version.name},
            )
        elif all(c["id"] != criterion.pk for c in criteria):
            criteria.append(
                {
                    "id": criterion.pk,
                    "label": f"{criterion.code} {criterion.name_vi}",
                    "version": criterion.version_id,
                }
            )
    return criteria


def _prefixed(task: Mapping, errors) -> ValidationError:
    where = row_label(task)
    return ValidationError(
        {key: [f"{where} — {m}" for m in messages] for key, messages in errors.errors.items()}
    )


def _getlist(data: Mapping, key: str) -> list:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(key) if str(v).strip()]
    value = data.get(key) or []
    return list(value) if isinstance(value, list | tuple) else [value]


TASK_TEXT_FIELDS = ("text", "target_text", "output", "timeframe_text", "criterion_label", "group_title")


def correct_task(job: ImportJob, user, row: int, data: Mapping) -> dict:
    """Apply a row's corrections (only the fields in `data`); refused as a whole, naming the row and field."""
    from chiso.core.timeframes import parse_timeframe
    from chiso.plans.validation import TASK_LABELS, Errors, check_dates_in_text, parse_date, text_value

    with transaction.atomic():
        locked = _locked(job)
        review: dict = locked.review or {}
        task = next((t for t in review["tasks"] if t["row"] == row), None)
        if task is None:
            raise ValidationError({"__all__": [_("Không có dòng %(n)s trong bản rà soát.") % {"n": row}]})
        header = review["header"]
        errors = Errors()
        updated = dict(task)
        for name in TASK_TEXT_FIELDS:
            if name in data:
                updated[name] = text_value(data, name, errors, TASK_LABELS)
        if not updated.get("text"):
            errors.add("text", _("Nhiệm vụ: không được để trống."))
        if "timeframe_text" in data:
            check_dates_in_text(updated["timeframe_text"], "timeframe_text", errors, TASK_LABELS)
        if "due_on" in data:
            try:
                due = parse_date(data.get("due_on"), str(TASK_LABELS["due_on"]))
            except ValidationError as exc:
                errors.add("due_on", exc.messages[0])
                due = None
            updated["due_set"] = due is not None
            if due is not None:
                updated["due_on"] = due.isoformat()
        if "timeframe_text" in data or "due_on" in data:
            _refresh_timeframe(updated, header, parse_timeframe)
        day = reference_day(header)
        for key in ("leads", "partners"):
            if key in data or f"{key}_sent" in data:
                updated[key] = clean_entries(_getlist(data, key), key, user, day, errors)
        if "criteria" in data or "criteria_sent" in data:
            updated["criteria"] = clean_criteria(
                _getlist(data, "criteria"), header.get("frameworks") or [], user, errors
            )
        if errors.errors:
            raise _prefixed(task, errors)
        updated["edited"] = True
        review["tasks"] = [updated if t["row"] == row else t for t in review["tasks"]]
        locked.review = review
        locked.save(update_fields=["review", "updated_at"])
    return updated


def _refresh_timeframe(task: dict, header: Mapping, parse_timeframe) -> None:
    issued_on = None
    if header.get("issued_on"):
        try:
            issued_on = dt.date.fromisoformat(str(header["issued_on"]))
        except ValueError:
            issued_on = None
    timeframe = parse_timeframe(
        task.get("timeframe_text") or "", year=header.get("year_from"), issued_on=issued_on
    )
    task["timeframe_kind"] = timeframe.kind
    if not task.get("due_set"):
        task["due_on"] = timeframe.due.isoformat() if timeframe.due else None


def drop_task(job: ImportJob, row: int, dropped: bool = True) -> dict:
    """Leave a row out of the plan (or take it back)."""
    with transaction.atomic():
        locked = _locked(job)
        review: dict = locked.review or {}
        task = next((t for t in review["tasks"] if t["row"] == row), None)
        if task is None:
            raise ValidationError({"__all__": [_("Không có dòng %(n)s trong bản rà soát.") % {"n": row}]})
        task["dropped"] = dropped
        locked.review = review
        locked.save(update_fields=["review", "updated_at"])
    return task


HEADER_FIELDS = (
    "number_symbol",
    "place",
    "issued_on",
    "title",
    "year_from",
    "year_to",
    "issuer_label",
    "issuer_parent_label",
    "lower_plan_due_on",
    "lower_plan_due_working_days",
)


def _header_value(name: str, raw: Any) -> Any:
    """A posted header value as the review keeps it (ISO dates, whole numbers); bad input is kept
    as typed so that the plans' validation names it."""
    from chiso.plans.validation import PLAN_LABELS, parse_date

    value = raw.strip() if isinstance(raw, str) else raw
    if value in (None, ""):
        return None
    if name in ("year_from", "year_to", "lower_plan_due_working_days"):
        return int(value) if str(value).isdigit() else value
    if name in ("issued_on", "lower_plan_due_on"):
        try:
            day = parse_date(value, str(PLAN_LABELS[name]))
            return day.isoformat() if day else None
        except ValidationError as exc:
            raise ValidationError({name: exc.messages}) from None
    return nfc(str(value))


def correct_header(job: ImportJob, user, data: Mapping) -> dict:
    """Apply corrections to the plan's header, checked by the plans' own validation (nothing is saved to plans)."""
    from chiso.plans.validation import clean_plan_input

    with transaction.atomic():
        locked = _locked(job)
        review: dict = locked.review or {}
        header = dict(review["header"])
        edited = dict(review.get("header_edited") or {})
        for name in HEADER_FIELDS:
            if name not in data:
                continue
            value = _header_value(name, data.get(name))
            if value != header.get(name):
                edited["period" if name in ("year_from", "year_to") else name] = True
            header[name] = value
        if "issuer" in data:
            raw = str(data.get("issuer") or "")
            unit = Unit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
            if unit is None or not can(user, EDIT, unit):
                raise ValidationError(
                    {"issuer": [_("Cơ quan ban hành: bạn không có quyền soạn kế hoạch của đơn vị này.")]}
                )
            header["issuer"] = unit.pk
        if "frameworks" in data or "frameworks_sent" in data:
            header["frameworks"] = [int(v) for v in _getlist(data, "frameworks") if str(v).isdigit()]
        if "references_sent" in data:
            keep = {str(v) for v in _getlist(data, "keep_reference")}
            for index, reference in enumerate(header["references"]):
                reference["keep"] = str(index) in keep
        if "deadlines_sent" in data:
            keep = {str(v) for v in _getlist(data, "keep_deadline")}
            for index, deadline in enumerate(header["deadlines"]):
                deadline["keep"] = str(index) in keep
        issuer = Unit.objects.get(pk=header["issuer"])
        clean_plan_input(plan_payload(header), issuer=issuer, user=user)
        review["header"] = header
        review["header_edited"] = edited
        # Tasks' criteria must stay inside the plan's frameworks; timeframes follow the plan's year.
        from chiso.core.timeframes import parse_timeframe

        for task in review["tasks"]:
            _refresh_timeframe(task, header, parse_timeframe)
        locked.review = review
        locked.save(update_fields=["review", "updated_at"])
    return header


# ---------------------------------------------------------------------------------------------
# Saving


def plan_payload(header: Mapping) -> dict:
    """The input of `services.create_plan` for a review header."""
    payload: dict[str, Any] = {
        "number_symbol": header.get("number_symbol") or "",
        "place": header.get("place") or "",
        "issued_on": header.get("issued_on") or "",
        "title": header.get("title") or "",
        "year_from": header.get("year_from") if header.get("year_from") is not None else "",
        "year_to": header.get("year_to") if header.get("year_to") is not None else "",
        "issuer_label": header.get("issuer_label") or "",
        "issuer_parent_label": header.get("issuer_parent_label") or "",
        "frameworks": [str(pk) for pk in header.get("frameworks") or []],
        "upper_plan": header.get("upper_plan") or "",
        "lower_plan_due_on": header.get("lower_plan_due_on") or "",
        "lower_plan_due_working_days": header.get("lower_plan_due_working_days") or "",
        "references": [
            {
                "kind": r["kind"],
                "number_symbol": r.get("number_symbol") or "",
                "issued_on": r.get("issued_on") or "",
                "issuer_name": r.get("issuer_name") or "",
                "title": r.get("title") or "",
                "target": r.get("target") or "",
            }
            for r in header.get("references") or []
            if r.get("keep", True)
        ],
        "deadlines": [
            {"label": d["label"], "due_on": d["due_on"]}
            for d in header.get("deadlines") or []
            if d.get("keep", True)
        ],
    }
    return payload


def _assignees(entries: list[dict], issuer: Unit, actor, day: dt.date) -> list[dict]:
    from chiso.plans.groups import standard_group

    out = []
    for entry in entries:
        ref = entry.get("ref")
        if not ref:
            continue
        if ref in STANDARD_GROUPS:
            group = standard_group(issuer, ref.split(":", 1)[1], actor=actor, on=day)
            ref = f"group:{group.pk}"
        out.append({"ref": ref, "label": (entry.get("text") or "")[:300]})
    return out


def task_payload(task: Mapping, issuer: Unit, actor, day: dt.date, filename: str = "") -> dict:
    """The input of `services.add_task` for a review row."""
    source = task.get("source") or {}
    where = []
    if source.get("page"):
        where.append(f"trang {source['page']}")
    if source.get("line"):
        where.append(f"dòng {source['line']}")
    note = _("Nhập từ tệp “%(f)s”") % {"f": filename} if filename else _("Nhập từ tệp")
    if where:
        note += f" ({', '.join(where)})"
    payload: dict[str, Any] = {
        "group_code": task.get("group_code") or "",
        "group_title": task.get("group_title") or "",
        "number": "",
        "criterion_label": task.get("criterion_label") or "",
        "text": task.get("text") or "",
        "target_text": task.get("target_text") or "",
        "output": task.get("output") or "",
        "lead_text": "; ".join(e.get("text") or e.get("label") for e in task.get("leads", []))[:500],
        "partners_text": "; ".join(e.get("text") or e.get("label") for e in task.get("partners", [])),
        "timeframe_text": task.get("timeframe_text") or "",
        "criteria": [str(c["id"]) for c in task.get("criteria", [])],
        "leads": _assignees(task.get("leads", []), issuer, actor, day),
        "partners": _assignees(task.get("partners", []), issuer, actor, day),
        "note": note,
    }
    if task.get("due_set") and task.get("due_on"):
        payload["due_on"] = task["due_on"]
    return payload


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


def save_as_plan(job: ImportJob, user):
    """The reviewed plan as a draft with all its kept rows, in one transaction through the plans
    services. Any refusal (header or row) rolls everything back: ValidationError listing every problem."""
    from chiso.plans import services

    with transaction.atomic():
        locked = _locked(job)
        review: dict = locked.review or {}
        header = review["header"]
        issuer = Unit.objects.filter(pk=header.get("issuer")).first()
        if issuer is None or not can(user, EDIT, issuer):
            raise PermissionDenied(_("Bạn không có quyền soạn kế hoạch của đơn vị này."))
        kept = [t for t in review["tasks"] if not t.get("dropped")]
        if not kept:
            raise ValidationError([_("Không còn nhiệm vụ nào để lưu: tất cả các dòng đã bị bỏ.")])
        try:
            plan = services.create_plan(user, issuer, plan_payload(header))
        except ValidationError as exc:
            raise ValidationError([_("Thông tin chung — %(m)s") % {"m": m} for m in _messages(exc)]) from None
        day = reference_day(header)
        problems: list[str] = []
        for task in kept:
            try:
                payload = task_payload(task, issuer, user, day, locked.filename)
                services.add_task(user, plan, payload)
            except ValidationError as exc:
                problems += [f"{row_label(task)} — {m}" for m in _messages(exc)]
        if problems:
            raise ValidationError(problems)  # rolls back the plan, its tasks and any group created
        locked.status = ImportStatus.SAVED
        locked.plan = plan
        locked.save(update_fields=["status", "plan", "updated_at"])
        audit.record(
            user,
            locked,
            AuditEntry.Action.UPDATE,
            {"status": [ImportStatus.PARSED, ImportStatus.SAVED], "plan": [None, plan.pk]},
            _("Lưu thành kế hoạch nháp"),
        )
    return plan
