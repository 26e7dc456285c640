"""Plan import pages: upload, progress, review with corrections in place (htmx), save as a draft.

Views are thin: jobs are read with `ImportJob.objects.restrict(user)` (another user's job is 404),
and every change goes through `chiso.documents.importing`.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.core.htmx import is_htmx, render_page
from chiso.documents import importing
from chiso.documents.errors import DocumentImportError
from chiso.documents.forms import UploadForm, issuer_choices
from chiso.documents.models import ImportJob, ImportStatus
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.plans.groups import picker_options
from chiso.units.models import Unit
from chiso.units.scope import EDIT, can

LIST_SIZE = 50


def get_job(request, pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.restrict(request.user).select_related("unit", "owner", "plan").defer("content"),
        pk=pk,
    )


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# ---------------------------------------------------------------------------------------------
# Upload and list


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    """The upload form and the user's imports."""
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = importing.create_job(
                    request.user, form.cleaned_data["issuer"], form.cleaned_data["file"].name, form.data_bytes
                )
            except DocumentImportError as exc:
                form.add_error("file", exc.message)
            else:
                importing.start_job(job)
                return redirect("import-detail", pk=job.pk)
        status = 400
    jobs = (
        ImportJob.objects.restrict(request.user)
        .select_related("unit", "owner", "plan")
        .defer("content", "result")
        .order_by("-created_at", "-id")[:LIST_SIZE]
    )
    return render(
        request,
        "documents/import_list.html",
        {"form": form, "jobs": jobs, "can_upload": bool(form.units)},
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# One job: progress, failure, review


@login_required
@require_GET
def import_detail(request, pk: int):
    job = get_job(request, pk)
    if job.is_reviewable:
        return render_page(request, "documents/import_review.html", review_context(request, job))
    return render(request, "documents/import_status.html", {"job": job})


@login_required
@require_GET
def import_progress(request, pk: int):
    """The progress fragment the status page polls; once the job is done the page reloads."""
    job = get_job(request, pk)
    response = render(request, "documents/import_status.html#progress", {"job": job})
    if not job.is_pending:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_retry(request, pk: int):
    job = get_job(request, pk)
    try:
        importing.retry_job(job, request.user)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    return redirect("import-detail", pk=job.pk)


@login_required
@require_POST
def import_delete(request, pk: int):
    job = get_job(request, pk)
    importing.delete_job(job, request.user)
    messages.success(request, _("Đã xóa lượt nhập tệp “%(f)s”.") % {"f": job.filename})
    return redirect("import-list")


def _date(value):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def review_context(request, job: ImportJob, **extra) -> dict:
    review = job.review
    header = review["header"]
    issuer = Unit.objects.filter(pk=header["issuer"]).first() or job.unit
    detected = review.get("detected_issuer")
    detected_unit = None
    if detected and detected.get("id") != issuer.pk:
        unit = Unit.objects.filter(pk=detected["id"]).first()
        if unit is not None and can(request.user, EDIT, unit):
            detected_unit = unit
    versions = list(
        FrameworkVersion.objects.filter(pk__in=header.get("frameworks") or []).select_related("framework")
    )
    upper = None
    if header.get("upper_plan"):
        from chiso.plans.models import Plan

        upper = (
            Plan.objects.restrict(request.user)
            .filter(pk=header["upper_plan"])
            .select_related("issuer")
            .first()
        )
    rows = [_row(task, header) for task in review["tasks"]]
    kept = [row for row in rows if not row["task"].get("dropped")]
    context = {
        "job": job,
        "review": review,
        "header": header,
        "issuer": issuer,
        "detected_unit": detected_unit,
        "versions": versions,
        "upper": upper,
        "header_flags": importing.header_flags(review),
        "issued_on": _date(header.get("issued_on")),
        "lower_due_on": _date(header.get("lower_plan_due_on")),
        "references": [
            dict(r, index=i, date=_date(r.get("issued_on")))
            for i, r in enumerate(header.get("references") or [])
        ],
        "deadlines": [
            dict(d, index=i, date=_date(d.get("due_on"))) for i, d in enumerate(header.get("deadlines") or [])
        ],
        "rows": rows,
        "kept_count": len(kept),
        "flagged_count": sum(1 for row in kept if row["flags"]),
        "dropped_count": len(rows) - len(kept),
    }
    context.update(extra)
    return context


# ---------------------------------------------------------------------------------------------
# Header corrections


def _header_form_context(request, job: ImportJob, values=None, errors=None) -> dict:
    header = job.review["header"]
    year = header.get("year_from")
    versions = FrameworkVersion.objects.restrict(request.user).select_related("framework")
    if isinstance(year, int):
        versions = versions.filter(
            Q(pk__in=header.get("frameworks") or []) | Q(pk__in=versions.for_year(year))
        )
    current = Unit.objects.filter(pk=header["issuer"]).first()
    detected = job.review.get("detected_issuer")
    extra = [current]
    if detected:
        extra.append(Unit.objects.filter(pk=detected["id"]).first())
    values = dict(values or header)
    for name in ("issued_on", "lower_plan_due_on"):
        day = _date(values.get(name))
        if day is not None:
            values[name] = day.strftime("%d/%m/%Y")
    return review_context(
        request,
        job,
        editing_header=True,
        values=values,
        errors=errors or {},
        framework_choices=versions.order_by("framework__code", "year_from"),
        issuer_options=issuer_choices(request.user, extra),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_header(request, pk: int):
    """GET: the header form (or the header, `?cancel=1`); POST: apply the corrections."""
    job = get_job(request, pk)
    if not job.is_reviewable:
        return redirect("import-detail", pk=job.pk)
    if request.method == "GET":
        if request.GET.get("cancel"):
            return render_page(
                request, "documents/import_review.html", review_context(request, job), partial="header"
            )
        return render_page(
            request, "documents/import_review.html", _header_form_context(request, job), partial="header"
        )
    try:
        importing.correct_header(job, request.user, request.POST)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        values = dict(job.review["header"])
        values.update({k: request.POST.get(k) for k in importing.HEADER_FIELDS if k in request.POST})
        context = _header_form_context(request, job, values=values, errors=errors)
        return render_page(request, "documents/import_review.html", context, partial="header", status=400)
    job.refresh_from_db()
    if is_htmx(request):
        # The header and every row (their flags follow the plan's year and frameworks).
        response = render(request, "documents/import_review.html#review_body", review_context(request, job))
        response["HX-Retarget"] = "#review-body"
        response["HX-Reswap"] = "outerHTML"
        return response
    return redirect("import-detail", pk=job.pk)


# ---------------------------------------------------------------------------------------------
# Task rows


def _find_row(job: ImportJob, row: int) -> dict:
    for task in job.review["tasks"]:
        if task["row"] == row:
            return task
    from django.http import Http404

    raise Http404


def _row(task: dict, header: dict) -> dict:
    flags = importing.task_flags(task, header.get("frameworks") or [])
    return {
        "task": task,
        "flags": flags,
        "flag_fields": {flag["field"] for flag in flags},
        "due": _date(task.get("due_on")),
    }


def _chips(entries: list[dict]) -> list[dict]:
    """Picker chips of a row's units: the posted value keeps the printed name and the match status."""
    return [
        {
            "value": json.dumps(
                {"ref": e.get("ref"), "text": e.get("text") or "", "status": e.get("status") or ""},
                ensure_ascii=False,
            ),
            "label": e.get("label") or e.get("text"),
            "text": e.get("text") or "",
            "status": e.get("status") if not e.get("ref") else "matched",
        }
        for e in entries
    ]


def _row_context(request, job: ImportJob, task: dict, **extra) -> dict:
    context = review_context(request, job)
    context["row"] = _row(task, job.review["header"])
    if "editing" in extra:
        context["chips"] = {
            "leads": _chips(task.get("leads", [])),
            "partners": _chips(task.get("partners", [])),
        }
    context.update(extra)
    context["edit_row"] = context["row"]
    return context


@login_required
@require_GET
def import_task(request, pk: int, row: int):
    """One row as displayed (the edit form's "Hủy")."""
    job = get_job(request, pk)
    if not job.is_reviewable:
        return redirect("import-detail", pk=job.pk)
    task = _find_row(job, row)
    return render_page(
        request, "documents/import_review.html", _row_context(request, job, task), partial="task_row"
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_task_edit(request, pk: int, row: int):
    job = get_job(request, pk)
    if not job.is_reviewable:
        return redirect("import-detail", pk=job.pk)
    task = _find_row(job, row)
    if request.method == "GET":
        context = _row_context(request, job, task, editing=row, errors={})
        return render_page(request, "documents/import_review.html", context, partial="task_form")
    try:
        task = importing.correct_task(job, request.user, row, request.POST)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        posted = dict(task)
        for name in importing.TASK_TEXT_FIELDS:
            if name in request.POST:
                posted[name] = request.POST.get(name)
        context = _row_context(request, job, posted, editing=row, errors=errors)
        return render_page(request, "documents/import_review.html", context, partial="task_form", status=400)
    job.refresh_from_db()
    if is_htmx(request):
        return render(request, "documents/import_review.html#task_row", _row_context(request, job, task))
    return redirect(reverse("import-detail", args=[job.pk]) + f"#row-{row}")


@login_required
@require_POST
def import_task_drop(request, pk: int, row: int):
    """Leave a row out (drop=1) or take it back (drop=0)."""
    job = get_job(request, pk)
    if not job.is_reviewable:
        return redirect("import-detail", pk=job.pk)
    _find_row(job, row)
    try:
        task = importing.drop_task(job, row, dropped=request.POST.get("drop", "1") == "1")
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return redirect("import-detail", pk=job.pk)
    job.refresh_from_db()
    if is_htmx(request):
        return render(request, "documents/import_review.html#task_row", _row_context(request, job, task))
    return redirect(reverse("import-detail", args=[job.pk]) + f"#row-{row}")


# ---------------------------------------------------------------------------------------------
# Pickers


@login_required
@require_GET
def import_pick_units(request, pk: int):
    """Units (accent-insensitive, in the user's scope and history, existing on the plan's date) and groups."""
    job = get_job(request, pk)
    if not job.is_reviewable:
        return HttpResponse("")
    header = job.review["header"]
    issuer = Unit.objects.filter(pk=header["issuer"]).first() or job.unit
    query = request.GET.get("q", "").strip()
    day = importing.reference_day(header)
    options = picker_options(request.user, issuer, day, query)
    options += [
        {"value": ref, "label": importing.standard_label(ref), "hint": issuer.name}
        for ref in importing.STANDARD_GROUPS
        if not query or "nhom" in query.lower() or "cac" in query.lower()
    ]
    return render(
        request, "documents/import_review.html#picker_options", {"options": options, "query": query}
    )


@login_required
@require_GET
def import_pick_criteria(request, pk: int):
    """Criteria of the plan's framework versions."""
    job = get_job(request, pk)
    if not job.is_reviewable:
        return HttpResponse("")
    versions = job.review["header"].get("frameworks") or []
    query = request.GET.get("q", "").strip()
    criteria = (
        Criterion.objects.restrict(request.user).filter(version_id__in=versions).select_related("version")
    )
    if query:
        criteria = criteria.search(query)
    options = [
        {"value": str(c.pk), "label": f"{c.code} {c.name_vi}", "hint": c.version.name}
        for c in criteria.order_by("version_id", "position", "id")[:30]
    ]
    return render(
        request, "documents/import_review.html#picker_options", {"options": options, "query": query}
    )


# ---------------------------------------------------------------------------------------------
# Save


@login_required
@require_POST
def import_save(request, pk: int):
    """Save the reviewed plan as a draft (one transaction) and open it; refusals are listed, nothing saved."""
    job = get_job(request, pk)
    if job.status == ImportStatus.SAVED and job.plan_id:
        return redirect("plan-detail", pk=job.plan_id)
    if not job.is_reviewable:
        return redirect("import-detail", pk=job.pk)
    try:
        plan = importing.save_as_plan(job, request.user)
    except PermissionDenied as exc:
        context = review_context(
            request, job, save_errors=[str(exc) or _("Bạn không có quyền lưu kế hoạch này.")]
        )
        return render(request, "documents/import_review.html", context, status=403)
    except ValidationError as exc:
        job.refresh_from_db()
        context = review_context(request, job, save_errors=_messages_of(exc))
        return render(request, "documents/import_review.html", context, status=400)
    messages.success(
        request,
        _("Đã lưu kế hoạch nháp với %(n)s nhiệm vụ từ tệp “%(f)s”.")
        % {"n": plan.tasks.count(), "f": job.filename},
    )
    return redirect("plan-detail", pk=plan.pk)
