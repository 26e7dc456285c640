"""The score import page: upload form, template downloads, the rejected rows or what was saved.

Thin views over `chiso.scores.imports`; only users who coordinate a unit (or superusers) may
import, and each row is checked against the user's scope there.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.forms import StyledFormMixin
from chiso.frameworks.models import Framework
from chiso.frameworks.services import coordinated_units
from chiso.scores.import_forms import Lookups
from chiso.scores.imports import import_scores, may_import, template_csv, template_rows, template_xlsx

MAX_UPLOAD = 20 * 1024 * 1024
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ScoreImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp kết quả (.xlsx hoặc .csv)"),
        error_messages={"required": gettext_lazy("Vui lòng chọn tệp."), "empty": gettext_lazy("Tệp rỗng.")},
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Thay thế kết quả đã có"),
        required=False,
        help_text=gettext_lazy("Ghi đè điểm đã lưu khác với tệp; mọi thay đổi được ghi nhật ký."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return upload


def _require(user) -> None:
    if not may_import(user):
        raise PermissionDenied


@login_required
def score_import(request):
    _require(request.user)
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_scores(upload.read(), upload.name, request.user, replace=form.cleaned_data["replace"])
    frameworks = Framework.objects.restrict(request.user).order_by("owner_id", "code")
    context = {"form": form, "result": result, "frameworks": frameworks}
    return render(
        request, "scores/import_scores.html", context, status=400 if result and not result.ok else 200
    )


@login_required
def score_import_template(request, fmt: str):
    """The template, pre-filled for the user's coordinated units when a framework and year are given."""
    _require(request.user)
    version = None
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    framework_code = request.GET.get("framework", "")
    if framework_code and year:
        lookups = Lookups(request.user)
        try:
            version = lookups.version(lookups.framework(framework_code), year, "")
        except ValidationError:
            version = None
    units = list(coordinated_units(request.user)[:50]) if version else []
    rows = template_rows(version, year, units)
    data = template_csv(rows) if fmt == "csv" else template_xlsx(rows)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"mau-nhap-ket-qua-chi-so{'-' + framework_code + '-' + str(year) if version else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
