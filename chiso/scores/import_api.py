"""The import part of the index results API: POST /api/scores/import/ (multipart `file`, `replace`).

The same validation and messages as the page: 400 with {"detail", "errors": [{"row", "message"}]}
when any row is rejected (nothing saved), 201 with the summary otherwise; 403 for users who
coordinate no unit.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from chiso.frameworks.upload_views import ROW_ERRORS, rejected_rows_response
from chiso.scores.import_views import MAX_UPLOAD
from chiso.scores.imports import import_scores, may_import


class ScoreImportRequest(serializers.Serializer):
    file = serializers.FileField()
    replace = serializers.BooleanField(required=False, default=False)


SUMMARY = inline_serializer(
    "ScoreImportSummary",
    {
        "rows": serializers.IntegerField(),
        "skipped": serializers.IntegerField(),
        "sets_created": serializers.IntegerField(),
        "sets_updated": serializers.IntegerField(),
        "scores_created": serializers.IntegerField(),
        "scores_updated": serializers.IntegerField(),
        "scores_unchanged": serializers.IntegerField(),
        "message": serializers.CharField(),
    },
)


class ScoreImportViewSet(viewsets.ViewSet):
    """Import index results from an .xlsx or .csv file (the template of /scores/import/)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ScoreImportRequest}, responses={201: SUMMARY, 400: ROW_ERRORS}
    )
    def create(self, request):
        if not may_import(request.user):
            raise exceptions.PermissionDenied(_("Bạn không có quyền nhập kết quả chỉ số."))
        payload = ScoreImportRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        if upload.size > MAX_UPLOAD:
            raise exceptions.ValidationError({"file": [_("Tệp quá lớn (tối đa 20 MB).")]})
        result = import_scores(upload.read(), upload.name, request.user, payload.validated_data["replace"])
        if not result.ok:
            return rejected_rows_response(result.errors)
        summary = result.summary
        return Response({**summary.as_dict(), "message": summary.text()}, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("scores/import", ScoreImportViewSet, basename="score-import-api")
