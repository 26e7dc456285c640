"""Reporting in the REST API: rounds, unit reports, task progress and monitoring figures.

Same permissions as the pages: reads within the user's scope (others are 404), writes through
`chiso.reporting.services` (which re-check the scope and validate with the same Vietnamese
messages).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from chiso.plans.models import Plan
from chiso.reporting import services
from chiso.reporting.consolidation import consolidate
from chiso.reporting.models import ReportingRound, TaskProgress, UnitReport
from chiso.reporting.monitoring import round_monitoring
from chiso.units.models import Unit
from chiso.units.scope import VIEW


class RoundSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReportingRound
        fields = [
            "id",
            "plan",
            "number",
            "kind",
            "kind_display",
            "title",
            "period_start",
            "period_end",
            "opens_on",
            "due_on",
            "grace_until",
            "locks_on",
            "coordinator_due_on",
            "upper_due_on",
            "upper_round",
            "note",
            "version",
        ]
        read_only_fields = ["id", "number", "kind_display", "version"]


class ProgressSerializer(serializers.ModelSerializer):
    task_number = serializers.CharField(source="task.number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = TaskProgress
        fields = [
            "id",
            "report",
            "task",
            "task_number",
            "is_lead",
            "status",
            "status_display",
            "achieved_value",
            "achieved_note",
            "measured_value",
            "observation",
            "work_done",
            "return_reason",
            "evidence",
        ]
        read_only_fields = fields

    def get_evidence(self, obj) -> list[dict]:
        return [e.as_dict() for e in obj.evidence.all()]


class ReportSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = UnitReport
        fields = [
            "id",
            "round",
            "unit",
            "unit_name",
            "lower_plan",
            "state",
            "state_display",
            "results",
            "shortcomings",
            "proposals",
            "first_submitted_at",
            "submitted_at",
            "returned_whole",
            "return_reason",
            "approved_at",
            "version",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    progress = ProgressSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "progress"]
        read_only_fields = fields


class OpenReportSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    unit = serializers.IntegerField()


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    tasks = serializers.ListField(child=serializers.IntegerField(), required=False)
    version = serializers.IntegerField(required=False)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class RoundFilter(filters.FilterSet):
    class Meta:
        model = ReportingRound
        fields = ["plan", "kind", "number"]


class ReportFilter(filters.FilterSet):
    class Meta:
        model = UnitReport
        fields = ["round", "unit", "state"]


class ProgressFilter(filters.FilterSet):
    class Meta:
        model = TaskProgress
        fields = ["report", "task", "status"]


class RoundViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reporting rounds of the plans in the user's scope; coordinators create and edit them."""

    serializer_class = RoundSerializer
    filterset_class = RoundFilter

    def get_queryset(self):
        return (
            ReportingRound.objects.restrict(self.request.user)
            .select_related("plan")
            .order_by("plan_id", "number")
        )

    def create(self, request, *args, **kwargs):
        plan = get_object_or_404(Plan.objects.restrict(request.user), pk=request.data.get("plan"))
        rnd = services.create_round(request.user, plan, request.data)
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        rnd = self.get_object()
        data = {
            name: getattr(rnd, name)
            for name in services.ROUND_DATES + ("title", "kind", "note", "upper_round")
        }
        data.update(request.data)
        rnd = services.update_round(request.user, rnd, data)
        return Response(RoundSerializer(rnd).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def monitoring(self, request, pk=None):
        """Completeness, timeliness, progress by dimension and by unit, the units to chase."""
        m = round_monitoring(self.get_object())
        t = m.totals
        return Response(
            {
                "round": m.round.pk,
                "today": m.today,
                "totals": {
                    "expected": t.expected,
                    "submitted": t.submitted,
                    "on_time": t.on_time,
                    "grace": t.grace,
                    "late": t.late,
                    "missing": t.missing,
                    "pending": t.pending,
                    "approved": t.approved,
                    "awaiting_approval": t.awaiting_approval,
                    "returned": t.returned,
                    "completeness_pct": t.completeness_pct,
                    "on_time_pct": t.on_time_pct,
                },
                "progress": vars(m.counts),
                "dimensions": [
                    {
                        "code": d.code,
                        "name": d.name,
                        "light": d.light,
                        "done_pct": d.counts.done_pct,
                        **vars(d.counts),
                    }
                    for d in m.dimensions
                ],
                "units": [
                    {
                        "unit": r.unit.pk,
                        "name": r.unit.name,
                        "report": r.report_id,
                        "state": r.state,
                        "timeliness": r.timeliness,
                        "due_on": r.due_on,
                        "first_submitted_at": r.first_submitted_at,
                        "light": r.light,
                        "reasons": r.reasons,
                        "done_pct": r.counts.done_pct,
                        **vars(r.counts),
                        "via_lower_plan": r.via_lower_plan,
                        "lower_plan": m.lower.plan_of_unit.get(r.unit.pk),
                        "tasks": [
                            {
                                "task": node.task.pk,
                                "status": node.status,
                                "children": [{"task": c.pk, "status": st} for c, st in node.children],
                            }
                            for node in m.unit_tasks(r.unit.pk)
                        ],
                    }
                    for r in m.units
                ],
                "chase": [r.unit.pk for r in m.chase],
                "measured": [
                    {
                        "task": task.pk,
                        "number": task.number,
                        "measure": counts.units[0][1].measure.code,
                        "met": counts.met,
                        "not_met": counts.not_met,
                        "no_data": counts.no_data,
                        "units": [
                            {
                                "unit": unit_id,
                                "state": e.state,
                                "value": e.value,
                                "observation": e.observation.pk if e.observation else None,
                            }
                            for unit_id, e in counts.units
                        ],
                    }
                    for task, counts in m.measured_tasks
                ],
            }
        )

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def consolidation(self, request, pk=None):
        """The consolidated figures per dimension and task, with the ids they come from."""
        c = consolidate(self.get_object())
        return Response(
            {
                "round": c.round.pk,
                "expected": c.expected,
                "approved_reports": c.source_report_ids,
                "not_reported": [u.unit.pk for u in c.not_reported],
                "done": c.done,
                "applicable": c.applicable,
                "dimensions": [
                    {
                        "code": d.code,
                        "name": d.name,
                        "done": d.done,
                        "applicable": d.applicable,
                        "tasks": [
                            {
                                "task": line.task.pk,
                                "number": line.task.number,
                                "assigned": len(line.expected_units),
                                "done": line.done,
                                "applicable": line.applicable,
                                "value": str(line.value) if line.value is not None else None,
                                "met": line.met,
                                "measured": line.measured,
                                "not_reported": [u.pk for u in line.not_reported],
                                "source_progress": line.source_progress_ids,
                            }
                            for line in d.tasks
                        ],
                    }
                    for d in c.dimensions
                ],
            }
        )


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Unit reports: officers open, save and submit their unit's; coordinators return and approve."""

    filterset_class = ReportFilter

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action != "list" else ReportSerializer

    def get_queryset(self):
        qs = UnitReport.objects.restrict(self.request.user).select_related("unit", "round", "round__plan")
        if self.action != "list":
            qs = qs.prefetch_related("progress__task", "progress__evidence")
        return qs.order_by("round_id", "unit__name", "id")

    def _detail(self, report: UnitReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(ReportDetailSerializer(fresh).data, status=code)

    @extend_schema(request=OpenReportSerializer, responses=ReportDetailSerializer)
    def create(self, request, *args, **kwargs):
        """Open the unit's report for a round (a draft listing its tasks), or get the existing one."""
        body = OpenReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rnd = get_object_or_404(
            ReportingRound.objects.select_related("plan"), pk=body.validated_data["round"]
        )
        unit = get_object_or_404(Unit.objects.restrict(request.user, VIEW), pk=body.validated_data["unit"])
        report = services.open_report(request.user, rnd, unit)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def save(self, request, pk=None):
        """{"version", "results", "shortcomings", "proposals", "tasks": {task id: {status, achieved_value, work_done}}}"""
        report = services.save_report(request.user, self.get_object(), request.data)
        return self._detail(report)

    @extend_schema(request=VersionSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.submit_report(request.user, self.get_object(), body.validated_data["version"])
        return self._detail(report)

    @extend_schema(request=ReturnSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        report = services.return_report(
            request.user, self.get_object(), d["reason"], d.get("tasks"), d.get("version")
        )
        return self._detail(report)

    @extend_schema(request=VersionSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        version = request.data.get("version")
        report = services.approve_report(request.user, self.get_object(), int(version) if version else None)
        return self._detail(report)


class ProgressViewSet(viewsets.ReadOnlyModelViewSet):
    """Task progress rows of the reports in the user's scope (filter by report, task, status)."""

    serializer_class = ProgressSerializer
    filterset_class = ProgressFilter

    def get_queryset(self):
        reports = UnitReport.objects.restrict(self.request.user).values("pk")
        return (
            TaskProgress.objects.filter(report__in=reports)
            .select_related("task")
            .prefetch_related("evidence")
            .order_by("report_id", "task__position", "task_id")
        )


def register(router) -> None:
    router.register("reporting/rounds", RoundViewSet, basename="api-reporting-round")
    router.register("reporting/reports", ReportViewSet, basename="api-reporting-report")
    router.register("reporting/progress", ProgressViewSet, basename="api-reporting-progress")
