"""The analytics part of the index results API (read-only), with the pages' permissions.

* GET /api/scores/results/?unit=<id>&framework=PAPI&year=2023 — the JSON of `chiso scores`
  (`results_json`); the unit must be in the user's VIEW scope, else 404; no result → 404.
* GET /api/scores/sets/ (?unit=&framework=&year=&source=) — score sets the user may read
  (`ScoreSet.objects.restrict`: published sets for everyone signed in, others in scope).
* GET /api/scores/plans/<id>/gaps/ — the plan's gap analysis (`gap_json`); the plan must be in
  `Plan.objects.restrict(user)`, else 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from chiso.plans.models import Plan
from chiso.scores.analytics import results_json
from chiso.scores.analytics_views import ResultsQuery, results_for
from chiso.scores.gaps import gap_analysis, gap_json
from chiso.scores.models import ScoreSet, Source
from chiso.units.models import Unit


class ScoreSetFilter(filters.FilterSet):
    unit = filters.NumberFilter(field_name="unit_id")
    framework = filters.CharFilter(field_name="version__framework__code", lookup_expr="iexact")
    year = filters.NumberFilter(field_name="year")
    source = filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = ScoreSet
        fields = ["unit", "framework", "year", "source"]


class ScoreSetSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    framework = serializers.CharField(source="version.framework.code", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    derived = serializers.BooleanField(source="is_derived", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSet
        fields = [
            "id",
            "unit",
            "unit_name",
            "framework",
            "version",
            "year",
            "source",
            "source_display",
            "derived",
            "publication",
            "published_on",
            "method",
            "is_public",
            "scores",
        ]
        read_only_fields = fields

    def get_scores(self, obj) -> list[dict]:
        return [
            {
                "criterion": s.criterion.code if s.criterion_id else "",
                "value": float(s.value),
                "rank": s.rank,
                "ranked": s.ranked,
                "group": s.group or None,
            }
            for s in obj.scores.all()
        ]


class ScoreSetViewSet(viewsets.ReadOnlyModelViewSet):
    """Score sets the user may read (published ones for every signed-in user, others in scope)."""

    serializer_class = ScoreSetSerializer
    filterset_class = ScoreSetFilter

    def get_queryset(self):
        return (
            ScoreSet.objects.restrict(self.request.user)
            .select_related("unit", "version__framework")
            .prefetch_related("scores__criterion")
            .order_by("-year", "unit__name", "id")
        )


class ResultsViewSet(viewsets.ViewSet):
    """A unit's analytics for a framework and year (the JSON of `chiso scores --json`)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, required=True),
            OpenApiParameter("framework", OpenApiTypes.STR),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        form = ResultsQuery(request.query_params)
        unit_id = request.query_params.get("unit", "")
        if not unit_id.isdigit():
            raise ValidationError({"unit": [_("Chọn một đơn vị (mã số đơn vị trong hệ thống).")]})
        if not form.is_valid():
            raise ValidationError(form.errors)
        unit = get_object_or_404(Unit.objects.restrict(request.user), pk=int(unit_id))
        _frameworks, _framework, results = results_for(
            unit, form.cleaned_data["framework"] or "", form.cleaned_data["year"]
        )
        if results is None:
            raise Http404(_("Không có kết quả chỉ số của đơn vị cho bộ chỉ số và năm đã chọn."))
        return Response(results_json(results))


class PlanGapsViewSet(viewsets.ViewSet):
    """The gap analysis of a plan: /api/scores/plans/<id>/gaps/."""

    lookup_value_regex = r"\d+"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def gaps(self, request, pk=None):
        plan = get_object_or_404(Plan.objects.restrict(request.user), pk=pk)
        return Response(gap_json(gap_analysis(plan)))


def register(router) -> None:
    router.register("scores/sets", ScoreSetViewSet, basename="api-scores-set")
    router.register("scores/results", ResultsViewSet, basename="api-scores-results")
    router.register("scores/plans", PlanGapsViewSet, basename="api-scores-plan")
