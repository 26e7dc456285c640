"""Measures and observations in the REST API.

- `GET /api/measures/`: the measures the user may see (national ones, their units' own);
- `GET /api/observations/?unit=&measure=&period_end_from=&period_end_to=`: the observations of
  units in the user's VIEW scope;
- `POST /api/observations/`: one observation (an object) or several (a list), with the fields of
  the import (`unit`, `measure`, `period` or `period_start`/`period_end`, `value`, `source`,
  `note`) and `?replace=1` to replace a different existing value. The same form and messages as
  the import: units must be in the user's EDIT scope; any refused item refuses them all (400,
  `errors` keyed "Mục N").
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response

from chiso.measures.imports import import_observations
from chiso.measures.models import Measure, Observation


class MeasureSerializer(serializers.ModelSerializer):
    keywords = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "code",
            "name",
            "unit_label",
            "description",
            "keywords",
            "min_value",
            "max_value",
            "owner",
        ]

    def get_keywords(self, obj) -> list[str]:
        return [k for k in obj.keywords.splitlines() if k.strip()]


class ObservationSerializer(serializers.ModelSerializer):
    measure_code = serializers.CharField(source="measure.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "measure",
            "measure_code",
            "unit",
            "unit_name",
            "period_start",
            "period_end",
            "value",
            "source",
            "note",
            "created_at",
        ]


class ObservationInputSerializer(serializers.Serializer):
    """What a POST carries (documentation only: validation is `ObservationRowForm`'s)."""

    unit = serializers.CharField(help_text="Mã, khóa tham chiếu hoặc tên đơn vị")
    measure = serializers.CharField(help_text="Mã hoặc tên số liệu")
    period = serializers.CharField(required=False, help_text="Ví dụ: Quý I/2026, 6 tháng đầu năm 2026")
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    value = serializers.CharField()
    source = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


class ObservationFilter(django_filters.FilterSet):
    period_end_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_to = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")
    measure_code = django_filters.CharFilter(field_name="measure__code")

    class Meta:
        model = Observation
        fields = ["unit", "measure"]


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Measures: the operational figures plans' measurable targets name."""

    serializer_class = MeasureSerializer

    def get_queryset(self):
        return Measure.objects.restrict(self.request.user).order_by("code")


class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    """Observed values of measures per unit and period."""

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    def get_queryset(self):
        return (
            Observation.objects.restrict(self.request.user)
            .select_related("measure", "unit")
            .order_by("measure__code", "unit_id", "-period_end")
        )

    @extend_schema(
        request=ObservationInputSerializer(many=True),
        responses={201: ObservationSerializer(many=True)},
        parameters=[OpenApiParameter("replace", bool, description="Thay thế giá trị đã có")],
    )
    def create(self, request, *args, **kwargs):
        payload = request.data
        items = payload if isinstance(payload, list) else [payload]
        if not items or not all(isinstance(i, dict) for i in items):
            raise exceptions.ValidationError(
                {"__all__": [_("Cần gửi một số liệu hoặc một danh sách số liệu.")]}
            )
        replace = str(request.query_params.get("replace", "")).lower() in ("1", "true", "yes", "on")
        result = import_observations(enumerate(items, start=1), request.user, request.user, replace=replace)
        if not result.ok:
            word = _("Mục")
            raise exceptions.ValidationError({f"{word} {e.number}": [e.message(word)] for e in result.errors})
        saved = [*result.created, *result.updated]
        return Response(
            {
                "detail": result.summary(),
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
                "observations": ObservationSerializer(saved, many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )


def register(router) -> None:
    router.register("measures", MeasureViewSet, basename="api-measure")
    router.register("observations", ObservationViewSet, basename="api-observation")
