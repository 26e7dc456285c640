"""The assessment part of the index results API: self-assessment and appraisal of points.

Same permissions and messages as the pages: reads within the user's scope (others are 404),
writes through `chiso.scores.assessments`, which re-check the permission and the `version`.
"""

from __future__ import annotations

from pathlib import PurePath

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from chiso.frameworks.models import FrameworkVersion
from chiso.scores import assessments as svc
from chiso.scores.models import Assessment, AssessmentItem
from chiso.units.models import Unit
from chiso.units.scope import VIEW


class AssessmentItemSerializer(serializers.ModelSerializer):
    criterion_code = serializers.CharField(source="criterion.code", read_only=True)
    criterion_name = serializers.CharField(source="criterion.name_vi", read_only=True)
    max_points = serializers.DecimalField(
        source="criterion.max_points", max_digits=8, decimal_places=2, read_only=True
    )
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentItem
        fields = [
            "criterion",
            "criterion_code",
            "criterion_name",
            "max_points",
            "self_points",
            "self_note",
            "evidence",
            "appraised_points",
            "appraisal_reason",
        ]
        read_only_fields = fields

    def get_evidence(self, obj) -> dict | None:
        if not obj.evidence:
            return None
        url = reverse("assessment-evidence", args=[obj.assessment_id, obj.criterion_id])
        return {"name": PurePath(obj.evidence.name).name, "url": url}


class AssessmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    appraiser_name = serializers.CharField(source="appraiser.name", read_only=True)
    framework = serializers.CharField(source="version.framework.short_name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "unit",
            "unit_name",
            "appraiser",
            "appraiser_name",
            "version",
            "framework",
            "year",
            "state",
            "state_display",
            "submitted_at",
            "appraised_at",
            "return_reason",
            "self_set",
            "appraised_set",
            "version_number",
        ]
        read_only_fields = fields


class AssessmentDetailSerializer(AssessmentSerializer):
    items = AssessmentItemSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "items"]
        read_only_fields = fields


class AssessmentStartSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    version = serializers.IntegerField()
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    appraiser = serializers.IntegerField(required=False, allow_null=True)


class AssessmentVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class AssessmentReturnSerializer(AssessmentVersionSerializer):
    reason = serializers.CharField(allow_blank=True)


class AssessmentEvidenceSerializer(AssessmentVersionSerializer):
    criterion = serializers.IntegerField()
    file = serializers.FileField()


def _number(value) -> str | None:
    return None if value is None else str(value)


def differences_data(assessment: Assessment) -> dict:
    diff = svc.differences(assessment)
    return {
        "rows": [
            {
                "criterion": r.criterion.pk,
                "code": r.criterion.code,
                "name": r.criterion.name_vi,
                "depth": r.depth,
                "is_leaf": r.is_leaf,
                "max_points": _number(r.max_points),
                "self_points": _number(r.self_points),
                "appraised_points": _number(r.appraised_points),
                "difference": _number(r.difference),
                "reason": r.reason,
                "accepted": r.accepted,
            }
            for r in diff.rows
        ],
        "max_total": _number(diff.max_total),
        "self_total": _number(diff.self_total),
        "appraised_total": _number(diff.appraised_total),
        "difference": _number(diff.difference),
    }


class AssessmentFilter(filters.FilterSet):
    class Meta:
        model = Assessment
        fields = ["unit", "appraiser", "version", "year", "state"]


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Self-assessments in the user's scope: the unit's officers score and submit; the appraiser
    unit's coordinators return, accept or adjust each criterion, and finalise."""

    filterset_class = AssessmentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return AssessmentSerializer if self.action == "list" else AssessmentDetailSerializer

    def get_queryset(self):
        qs = Assessment.objects.restrict(self.request.user).select_related(
            "unit", "appraiser", "version", "version__framework"
        )
        if self.action != "list":
            qs = qs.prefetch_related("items__criterion")
        return qs.order_by("-year", "unit__name", "id")

    def _detail(self, assessment: Assessment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("items__criterion").get(pk=assessment.pk)
        return Response(AssessmentDetailSerializer(fresh).data, status=code)

    @extend_schema(request=AssessmentStartSerializer, responses=AssessmentDetailSerializer)
    def create(self, request, *args, **kwargs):
        """Start a self-assessment: {"unit", "version", "year", "appraiser" (optional)}."""
        body = AssessmentStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        unit = get_object_or_404(Unit.objects.restrict(request.user, VIEW), pk=d["unit"])
        version = get_object_or_404(FrameworkVersion.objects.restrict(request.user), pk=d["version"])
        appraiser = None
        if d.get("appraiser"):
            appraiser = get_object_or_404(Unit.objects.restrict(request.user, VIEW), pk=d["appraiser"])
        assessment = svc.start_assessment(request.user, unit, version, d["year"], appraiser)
        return self._detail(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["put", "post"])
    def items(self, request, pk=None):
        """{"version", "items": [{"criterion", "points", "note", "remove_evidence"}]}"""
        assessment = svc.save_self(request.user, self.get_object(), request.data)
        return self._detail(assessment)

    @extend_schema(request=AssessmentEvidenceSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """Upload one criterion's evidence file (multipart: version, criterion, file)."""
        body = AssessmentEvidenceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        data = {"version": d["version"], "items": {d["criterion"]: {}}}
        assessment = svc.save_self(request.user, self.get_object(), data, {d["criterion"]: d["file"]})
        return self._detail(assessment)

    @extend_schema(request=AssessmentVersionSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        body = AssessmentVersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(svc.submit(request.user, self.get_object(), body.validated_data["version"]))

    @extend_schema(request=AssessmentReturnSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        body = AssessmentReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        return self._detail(svc.return_assessment(request.user, self.get_object(), d["reason"], d["version"]))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def appraise(self, request, pk=None):
        """{"version", "items": [{"criterion", "decision": "accept" | "adjust", "points", "reason"}]}"""
        return self._detail(svc.appraise(request.user, self.get_object(), request.data))

    @extend_schema(request=AssessmentVersionSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        body = AssessmentVersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(svc.finalise(request.user, self.get_object(), body.validated_data["version"]))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def differences(self, request, pk=None):
        """Per criterion: maximum, self, appraised, difference and reason; and the totals."""
        return Response(differences_data(self.get_object()))


def register(router) -> None:
    router.register("scores/assessments", AssessmentViewSet, basename="api-scores-assessment")
