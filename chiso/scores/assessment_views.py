"""Self-assessment and appraisal pages: the list in scope, starting one, the unit's form (htmx save
per criterion), the appraisal (self points beside appraised, a reason per adjustment), the result
with the differences.

Views are thin: reads within the user's scope (others are 404), writes through
`chiso.scores.assessments`, which re-check permissions and versions.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.core.htmx import is_htmx, render_page
from chiso.frameworks.models import FrameworkVersion
from chiso.frameworks.services import coordinated_units
from chiso.scores import assessments as svc
from chiso.scores.assessment_forms import DECISIONS, ReasonForm, StartForm, points_text
from chiso.scores.models import Assessment, AssessmentState
from chiso.units.models import Membership, Unit
from chiso.units.scope import COORDINATE, EDIT, ROLE_ACTIONS

SELF_FIELDS = ("points", "note", "remove_evidence")
APPRAISAL_FIELDS = ("decision", "points", "reason")


def _assessment(request, pk: int) -> Assessment:
    qs = Assessment.objects.restrict(request.user).select_related(
        "unit", "appraiser", "version", "version__framework", "self_set", "appraised_set"
    )
    return get_object_or_404(qs, pk=pk)


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}


def _has_code(exc: ValidationError, code: str) -> bool:
    if not hasattr(exc, "error_dict"):
        return False
    return any(e.code == code for errors in exc.error_dict.values() for e in errors)


def _parse(post, files, criterion_ids, names) -> tuple[dict, dict]:
    """The page's fields (item-<criterion>-<name>) → the services' input."""
    items, uploads = {}, {}
    for cid in criterion_ids:
        values = {n: post.get(f"item-{cid}-{n}") for n in names if f"item-{cid}-{n}" in post}
        if "remove_evidence" in names:
            values["remove_evidence"] = f"item-{cid}-remove_evidence" in post
        if files and f"item-{cid}-evidence" in files:
            uploads[cid] = files[f"item-{cid}-evidence"]
        if values or cid in uploads:
            items[cid] = values
    return {"version": post.get("version"), "items": items}, uploads


def _rows(assessment: Assessment, rows: list, errors: dict, posted) -> list:
    """The differences rows, each leaf with its item, what the form shows and its errors."""
    items = {i.criterion_id: i for i in assessment.items.all()}
    for row in rows:
        cid = row.criterion.pk
        row.item = items.get(cid)
        row.errors = [m for key, ms in errors.items() if key.startswith(f"item-{cid}-") for m in ms]

        def value(name, default, cid=cid):
            key = f"item-{cid}-{name}"
            return posted.get(key, "") if posted is not None and key in posted else default

        if row.item is not None:
            item = row.item
            row.form_points = value("points", points_text(item.self_points))
            row.form_note = value("note", item.self_note)
            decision = "" if item.appraised_points is None else ("accept" if row.accepted else "adjust")
            row.form_decision = value("decision", decision)
            row.form_appraised = value(
                "points", points_text(item.appraised_points if item.appraised_points is not None else None)
            )
            row.form_reason = value("reason", item.appraisal_reason)
            row.evidence_name = PurePath(item.evidence.name).name if item.evidence else ""
    return rows


def _general(errors: dict) -> list[str]:
    return [m for key, ms in errors.items() if not key.startswith("item-") for m in ms]


def _context(request, assessment: Assessment, errors=None, posted=None) -> dict:
    errors = errors or {}
    diff = svc.differences(assessment)
    return {
        "assessment": assessment,
        "rows": _rows(assessment, diff.rows, errors, posted),
        "totals": diff,
        "errors": errors,
        "general_errors": _general(errors),
        "can_edit": svc.can_self_assess(request.user, assessment) and assessment.is_editable_by_unit,
        "can_appraise": svc.can_appraise(request.user, assessment)
        and assessment.state == AssessmentState.SUBMITTED,
        "scored": sum(1 for r in diff.rows if r.is_leaf and r.self_points is not None),
        "leaves": sum(1 for r in diff.rows if r.is_leaf),
        "decisions": DECISIONS,
        "return_form": ReasonForm(initial={"version": assessment.version_number}),
    }


# --- list and start -------------------------------------------------------------------------


@login_required
def assessment_list(request):
    qs = Assessment.objects.restrict(request.user).select_related("unit", "appraiser", "version__framework")
    state = request.GET.get("state", "")
    if state in AssessmentState.values:
        qs = qs.filter(state=state)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = Paginator(qs.order_by("-year", "unit__name", "id"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "states": AssessmentState.choices,
        "state": state,
        "year": year,
        "can_start": _start_units(request.user).exists(),
    }
    return render(request, "scores/assessment_list.html", context)


def _start_units(user):
    """The units the user may start a self-assessment for: their own (EDIT), and the current units
    directly under the units they coordinate."""
    edit = [r for r, actions in ROLE_ACTIONS.items() if EDIT in actions]
    coordinate = [r for r, actions in ROLE_ACTIONS.items() if COORDINATE in actions]
    own = Membership.objects.filter(user=user, role__in=edit).values("unit_id")
    above = Membership.objects.filter(user=user, role__in=coordinate).values("unit_id")
    return Unit.objects.filter(Q(pk__in=own) | Q(parent_id__in=above, valid_to__isnull=True)).order_by(
        "name", "id"
    )


@login_required
def assessment_start(request):
    form = StartForm(
        request.POST or None,
        units=_start_units(request.user),
        versions=FrameworkVersion.objects.restrict(request.user).order_by(
            "framework__short_name", "-year_from"
        ),
        appraisers=coordinated_units(request.user),
    )
    points_version = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            assessment = svc.start_assessment(
                request.user, d["unit"], d["version"], d["year"], d["appraiser"]
            )
        except ValidationError as exc:
            if _has_code(exc, "missing_max_points"):
                points_version = d["version"]
            for field, ms in _error_dict(exc).items():
                for m in ms:
                    form.add_error(field if field in form.fields else None, m)
        else:
            messages.success(request, _("Đã bắt đầu bản tự đánh giá."))
            return redirect("assessment-detail", assessment.pk)
    context = {"form": form, "points_version": points_version}
    return render(request, "scores/assessment_start.html", context, status=400 if form.errors else 200)


# --- self-assessment ------------------------------------------------------------------------


@login_required
def assessment_detail(request, pk: int):
    """The unit's self-assessment: the form while it is editable by the user, read-only otherwise."""
    assessment = _assessment(request, pk)
    if request.method == "POST":
        if not svc.can_self_assess(request.user, assessment):
            raise PermissionDenied
        ids = list(assessment.items.values_list("criterion_id", flat=True))
        data, uploads = _parse(request.POST, request.FILES, ids, SELF_FIELDS)
        try:
            saved = svc.save_self(request.user, assessment, data, uploads)
            if request.POST.get("action") == "submit":
                svc.submit(request.user, saved, saved.version_number)
                messages.success(
                    request, _("Đã gửi bản tự đánh giá cho %(a)s.") % {"a": assessment.appraiser.name}
                )
            else:
                messages.success(request, _("Đã lưu bản tự đánh giá."))
        except ValidationError as exc:
            fresh = _assessment(request, pk)
            context = _context(request, fresh, _error_dict(exc), request.POST)
            return render(request, "scores/assessment_self.html", context, status=400)
        return redirect("assessment-detail", pk)
    return render(request, "scores/assessment_self.html", _context(request, assessment))


def _row_response(request, pk: int, template: str, errors: dict | None, posted, criterion_pk: int):
    assessment = _assessment(request, pk)
    context = _context(request, assessment, errors, posted)
    row = next(r for r in context["rows"] if r.criterion.pk == criterion_pk)
    row.errors = [*context["general_errors"], *row.errors]  # a stale version shows on the row
    by_id = {r.criterion.pk: r for r in context["rows"]}
    ancestors, parent = [], by_id[criterion_pk].criterion.parent_id
    while parent in by_id:  # their sums changed too
        ancestors.append(by_id[parent])
        parent = by_id[parent].criterion.parent_id
    context.update({"row": row, "oob": True, "saved": not errors, "ancestors": ancestors})
    return render_page(request, template, context, partial="row")


def _item_saved(request, pk: int, criterion_pk: int, save: Callable[[], object], template: str, page: str):
    """Run the save of one criterion's row: htmx gets the row back (with the posted values and the
    errors when refused), a plain form the page with the errors as messages."""
    errors = None
    try:
        save()
    except ValidationError as exc:
        errors = _error_dict(exc)
    if is_htmx(request):
        posted = request.POST if errors else None
        return _row_response(request, pk, template, errors, posted, criterion_pk)
    for m in (errors or {}).values():
        messages.error(request, " ".join(m))
    return redirect(page, pk)


@login_required
@require_POST
def assessment_item(request, pk: int, criterion_pk: int):
    """Save one criterion of the self-assessment (htmx: the row comes back, and the new version)."""
    assessment = _assessment(request, pk)
    item = get_object_or_404(assessment.items, criterion_id=criterion_pk)
    if not svc.can_self_assess(request.user, assessment):
        raise PermissionDenied
    data, uploads = _parse(request.POST, request.FILES, [item.criterion_id], SELF_FIELDS)
    return _item_saved(
        request,
        pk,
        criterion_pk,
        lambda: svc.save_self(request.user, assessment, data, uploads),
        "scores/assessment_self.html",
        "assessment-detail",
    )


@login_required
@require_GET
def assessment_evidence(request, pk: int, criterion_pk: int):
    assessment = _assessment(request, pk)
    item = get_object_or_404(assessment.items, criterion_id=criterion_pk)
    if not item.evidence:
        raise Http404
    try:
        handle = item.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = PurePath(item.evidence.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- appraisal ------------------------------------------------------------------------------


@login_required
def assessment_appraisal(request, pk: int):
    assessment = _assessment(request, pk)
    if not svc.can_appraise(request.user, assessment):
        raise PermissionDenied
    if assessment.state == AssessmentState.FINAL:
        return redirect("assessment-result", pk)
    if request.method == "POST":
        ids = list(assessment.items.values_list("criterion_id", flat=True))
        data, _uploads = _parse(request.POST, None, ids, APPRAISAL_FIELDS)
        data["items"] = {cid: values for cid, values in data["items"].items() if values.get("decision")}
        try:
            saved = svc.appraise(request.user, assessment, data)
            if request.POST.get("action") == "finalise":
                svc.finalise(request.user, saved, saved.version_number)
                messages.success(request, _("Đã hoàn tất thẩm định."))
                return redirect("assessment-result", pk)
            messages.success(request, _("Đã lưu kết quả thẩm định."))
        except ValidationError as exc:
            fresh = _assessment(request, pk)
            context = _context(request, fresh, _error_dict(exc), request.POST)
            return render(request, "scores/assessment_appraisal.html", context, status=400)
        return redirect("assessment-appraisal", pk)
    return render(request, "scores/assessment_appraisal.html", _context(request, assessment))


@login_required
@require_POST
def assessment_appraise_item(request, pk: int, criterion_pk: int):
    """Accept or adjust one criterion (htmx: the row comes back, and the new version)."""
    assessment = _assessment(request, pk)
    get_object_or_404(assessment.items, criterion_id=criterion_pk)
    if not svc.can_appraise(request.user, assessment):
        raise PermissionDenied
    data, _uploads = _parse(request.POST, None, [criterion_pk], APPRAISAL_FIELDS)
    return _item_saved(
        request,
        pk,
        criterion_pk,
        lambda: svc.appraise(request.user, assessment, data),
        "scores/assessment_appraisal.html",
        "assessment-appraisal",
    )


@login_required
@require_POST
def assessment_return(request, pk: int):
    assessment = _assessment(request, pk)
    if not svc.can_appraise(request.user, assessment):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        svc.return_assessment(request.user, assessment, reason, request.POST.get("version"))
    except ValidationError as exc:
        for ms in _error_dict(exc).values():
            for m in ms:
                messages.error(request, m)
        return redirect("assessment-appraisal", pk)
    messages.success(request, _("Đã trả lại bản tự đánh giá cho %(u)s.") % {"u": assessment.unit.name})
    return redirect("assessment-detail", pk)


@login_required
def assessment_result(request, pk: int):
    """The final view: self-assessed beside appraised points, the differences and reasons."""
    assessment = _assessment(request, pk)
    return render(request, "scores/assessment_result.html", _context(request, assessment))
