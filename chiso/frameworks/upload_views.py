"""Uploading a criteria set: the page (a new version of a custom framework from a spreadsheet), the
template download, and the API endpoint POST /api/criteria-uploads/ with the same form and messages.

Thin: the rules live in `chiso.frameworks.criteria_upload`; only those who may change the
framework (COORDINATE on its owning unit) reach the form, the others get 403 (404 when they
cannot even see the framework).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from chiso.frameworks import services
from chiso.frameworks.criteria_upload import template_xlsx, upload_criteria
from chiso.frameworks.forms import VersionForm
from chiso.frameworks.models import Framework
from chiso.frameworks.serializers import FrameworkVersionSerializer

MAX_UPLOAD = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CriteriaUploadForm(VersionForm):
    """The new version's code, name and years, and the spreadsheet of its criteria."""

    file = forms.FileField(
        label=gettext_lazy("Tệp bộ tiêu chí (.xlsx hoặc .csv)"),
        error_messages={"required": gettext_lazy("Vui lòng chọn tệp."), "empty": gettext_lazy("Tệp rỗng.")},
    )

    class Meta(VersionForm.Meta):
        fields = ["code", "name", "year_from", "year_to", "note", "source"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
        return upload


def _editable(user, framework: Framework) -> None:
    if framework.owner_id is None or not services.can_edit_framework(user, framework):
        raise PermissionDenied


def _run(user, form: CriteriaUploadForm):
    upload = form.cleaned_data["file"]
    return upload_criteria(user, form.instance, upload.read(), upload.name)


@login_required
def criteria_upload(request, pk: int):
    framework = get_object_or_404(Framework.objects.restrict(request.user), pk=pk)
    _editable(request.user, framework)
    form = CriteriaUploadForm(request.POST or None, request.FILES or None, framework=framework)
    result = None
    if request.method == "POST" and form.is_valid():
        result = _run(request.user, form)
        if result.ok:
            messages.success(
                request,
                _("Đã tạo phiên bản %(v)s với %(n)d tiêu chí.")
                % {"v": result.version.name, "n": result.count},
            )
            return redirect("version-detail", result.version.pk)
    context = {"form": form, "framework": framework, "result": result}
    return render(
        request, "frameworks/criteria_upload.html", context, status=400 if result and not result.ok else 200
    )


@login_required
def criteria_template(request):
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-bo-tieu-chi.xlsx"'
    return response


class CriteriaUploadRequest(serializers.Serializer):
    framework = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    year_from = serializers.IntegerField(required=False, allow_null=True)
    year_to = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField()


ROW_ERRORS = inline_serializer(
    "RejectedRows",
    {
        "detail": serializers.CharField(),
        "errors": serializers.ListField(
            child=inline_serializer(
                "RejectedRow",
                {"row": serializers.IntegerField(allow_null=True), "message": serializers.CharField()},
            )
        ),
    },
)


def rejected_rows_response(errors) -> Response:
    """400 with every rejected row of an import (the API's side of the page's table)."""
    return Response(
        {
            "detail": _("Có %(n)d dòng bị từ chối; chưa lưu dữ liệu nào.") % {"n": len(errors)},
            "errors": [error.as_dict() for error in errors],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class CriteriaUploadViewSet(viewsets.ViewSet):
    """Create a version of a custom framework with the criteria of an .xlsx/.csv spreadsheet."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CriteriaUploadRequest},
        responses={201: FrameworkVersionSerializer, 400: ROW_ERRORS},
    )
    def create(self, request):
        framework_id = request.data.get("framework", "")
        if not str(framework_id).isdigit():
            raise exceptions.ValidationError({"framework": [_("Vui lòng chọn bộ chỉ số.")]})
        framework = get_object_or_404(Framework.objects.restrict(request.user), pk=int(framework_id))
        _editable(request.user, framework)
        form = CriteriaUploadForm(request.data, request.FILES, framework=framework)
        if not form.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        result = _run(request.user, form)
        if not result.ok:
            return Response(
                {
                    "detail": _("Có %(n)d dòng bị từ chối; chưa lưu dữ liệu nào.")
                    % {"n": len(result.errors)},
                    "errors": [error.as_dict() for error in result.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = FrameworkVersionSerializer(result.version, context={"request": request}).data
        return Response({**data, "criteria_count": result.count}, status=status.HTTP_201_CREATED)
