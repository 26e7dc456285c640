"""Pages of the measures: the list of measures, the upload of observations, the template file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import redirect

from chiso.core.htmx import render_page
from chiso.measures.forms import UploadForm
from chiso.measures.imports import TableError, import_file
from chiso.measures.models import Measure, Observation
from chiso.measures.template import template_bytes
from chiso.units.scope import EDIT, unit_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_write(user) -> bool:
    scope = unit_scope(user, EDIT)
    return scope.everything or bool(scope.ids)


@login_required
def measure_list(request):
    """The measures, how many observations of them the user may see, and the upload form."""
    user = request.user
    errors: list[str] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and _may_write(user):
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_file(
                    upload.name, upload.read(), user, user, replace=form.cleaned_data["replace"]
                )
            except TableError as exc:
                errors = [str(exc)]
            else:
                if result.ok:
                    messages.success(request, result.summary())
                    return redirect("measures-home")
                errors = [result.summary(), *(e.message() for e in result.errors)]
        status = 400
    seen = Observation.objects.restrict(user).values("measure_id")
    counts = {
        row["measure_id"]: row
        for row in seen.annotate(n=Count("id"), last=Max("period_end")).values("measure_id", "n", "last")
    }
    measures = list(Measure.objects.restrict(user).select_related("owner"))
    for m in measures:
        m.observed = counts.get(m.pk, {}).get("n", 0)
        m.last_end = counts.get(m.pk, {}).get("last")
    context = {
        "measures": measures,
        "form": form,
        "errors": errors,
        "can_upload": _may_write(user),
    }
    return render_page(request, "measures/measure_list.html", context, status=status)


@login_required
def measure_template(request):
    """The import template: the columns chiso reads, two example rows, the list of measure codes."""
    measures = list(Measure.objects.restrict(request.user))
    response = HttpResponse(template_bytes(measures), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-so-lieu-do-luong.xlsx"'
    return response
