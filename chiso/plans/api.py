"""Plans and tasks in the REST API, with the pages' permissions and the pages' validation.

Reads go through `Plan.objects.restrict(user)` (a plan outside the user's scope is 404); writes go
through `chiso.plans.services`, which check the same rules as the forms, audit every change and
refuse a stale `version`.
"""

from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from chiso.plans import services
from chiso.plans.cascade import cascade_plan
from chiso.plans.conformance import check_plan, lower_plans_matrix
from chiso.plans.export import export_bytes, plan_file_name
from chiso.plans.filters import PlanFilter, TaskFilter
from chiso.plans.models import Plan, Task, TaskAssignment
from chiso.plans.serializers import (
    CascadeSerializer,
    IssueSerializer,
    MoveSerializer,
    PlanListSerializer,
    PlanSerializer,
    PlanWriteSerializer,
    TaskSerializer,
    TaskWriteSerializer,
)
from chiso.units.models import Unit


def _findings(findings) -> list[dict]:
    return [
        {
            "code": f.code,
            "message": f.message,
            "severity": f.severity,
            "task": f.task_id,
            "criterion": f.criterion_id,
        }
        for f in findings
    ]


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [_("Giá trị không hợp lệ.")]}) from None


class PlanViewSet(viewsets.ModelViewSet):
    """Plans the user may see; drafts are written by their unit, issued plans are read-only."""

    filterset_class = PlanFilter

    def get_queryset(self):
        qs = Plan.objects.restrict(self.request.user).select_related("issuer").prefetch_related("frameworks")
        if self.action == "list":
            return qs.annotate(task_count=Count("tasks", distinct=True)).order_by(
                "-year_from", "-issued_on", "-id"
            )
        return qs.annotate(task_count=Count("tasks", distinct=True)).prefetch_related(
            "sections", "references", "deadlines"
        )

    def get_serializer_class(self):
        return PlanListSerializer if self.action == "list" else PlanSerializer

    def _read(self, plan: Plan, code: int = status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(PlanSerializer(plan).data, status=code)

    @extend_schema(request=PlanWriteSerializer, responses=PlanSerializer)
    def create(self, request, *args, **kwargs):
        issuer_id = request.data.get("issuer")
        issuer = (
            Unit.objects.restrict(request.user).filter(pk=issuer_id).first()
            if str(issuer_id or "").isdigit()
            else None
        )
        if issuer is None:
            raise exceptions.ValidationError(
                {"issuer": [_("Cơ quan ban hành: không tìm thấy đơn vị “%(v)s”.") % {"v": issuer_id}]}
            )
        plan = services.create_plan(request.user, issuer, request.data)
        return self._read(plan, status.HTTP_201_CREATED)

    @extend_schema(request=PlanWriteSerializer, responses=PlanSerializer)
    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        partial = kwargs.get("partial", False)
        plan = services.update_plan(request.user, plan, request.data, partial=partial)
        return self._read(plan)

    def destroy(self, request, *args, **kwargs):
        services.delete_plan(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=IssueSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Issue a draft (it becomes read-only); a plan it replaces is marked replaced."""
        plan = self.get_object()
        plan = services.issue_plan(
            request.user,
            plan,
            version=_int(request.data.get("version"), "version"),
            issued_on=request.data.get("issued_on") or None,
            number_symbol=request.data.get("number_symbol") or None,
        )
        return self._read(plan)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A draft revision of an issued plan, which replaces it once issued."""
        return self._read(services.create_revision(request.user, self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(request=IssueSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        plan = services.close_plan(
            request.user, self.get_object(), version=_int(request.data.get("version"), "version")
        )
        return self._read(plan)

    @extend_schema(request=CascadeSerializer, responses=PlanListSerializer(many=True))
    @action(detail=True, methods=["post"])
    def cascade(self, request, pk=None):
        """Draft implementing plans for the assigned units (all, or `units`)."""
        plan = self.get_object()
        units = request.data.get("units")
        unit_ids = None
        if units is not None:
            if not isinstance(units, list):
                units = request.data.getlist("units") if hasattr(request.data, "getlist") else [units]
            unit_ids = [_int(u, "units") for u in units]
        result = cascade_plan(request.user, plan, unit_ids)
        created = (
            Plan.objects.filter(pk__in=[p.pk for p in result.created])
            .select_related("issuer")
            .annotate(task_count=Count("tasks"))
        )
        return Response(PlanListSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @action(detail=True)
    def conformance(self, request, pk=None):
        """The plan's unmet rules (dimensions, tasks, lower-plan rules)."""
        return Response({"findings": _findings(check_plan(self.get_object()))})

    @action(detail=True)
    def lower_plans(self, request, pk=None):
        """The matrix of assigned units × (issued? on time? dimensions covered? tasks concretised?)."""
        matrix = lower_plans_matrix(self.get_object())
        return Response(
            {
                "deadline": matrix.deadline,
                "summary": matrix.summary,
                "units": [
                    {
                        "unit": {"id": row.unit.pk, "name": row.unit.name},
                        "plan": row.plan.pk if row.plan else None,
                        "assigned_tasks": row.assigned_tasks,
                        "issued": row.issued,
                        "issued_on": row.timeliness.issued_on,
                        "on_time": row.timeliness.on_time,
                        "late_working_days": row.timeliness.late_days,
                        "dimensions_covered": row.dimensions_ok,
                        "tasks_concretised": row.tasks_ok,
                        "findings": _findings(row.findings),
                    }
                    for row in matrix.rows
                ],
            }
        )

    @extend_schema(parameters=[OpenApiParameter("as", str, enum=["docx", "xlsx"])], responses={200: bytes})
    @action(detail=True)
    def export(self, request, pk=None):
        """The plan as .docx (Decree 30 layout) or its task table as .xlsx: ?as=docx|xlsx."""
        fmt = request.query_params.get("as", "docx")
        if fmt not in ("docx", "xlsx"):
            raise exceptions.ValidationError({"as": [_("Định dạng phải là docx hoặc xlsx.")]})
        plan = self.get_object()
        response = HttpResponse(export_bytes(plan, fmt), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{plan_file_name(plan, fmt)}"'
        return response


class TaskViewSet(viewsets.ModelViewSet):
    """Tasks of the plans the user may see; written only in draft plans of the user's units."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return (
            Task.objects.filter(plan__in=Plan.objects.restrict(self.request.user))
            .select_related("plan")
            .prefetch_related(
                "criteria",
                Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit", "group")),
            )
            .order_by("plan_id", "position", "id")
        )

    def _read(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data, status=code)

    @extend_schema(request=TaskWriteSerializer, responses=TaskSerializer)
    def create(self, request, *args, **kwargs):
        plan_id = request.data.get("plan")
        plan = (
            Plan.objects.restrict(request.user).select_related("issuer").filter(pk=plan_id).first()
            if str(plan_id or "").isdigit()
            else None
        )
        if plan is None:
            raise exceptions.ValidationError(
                {"plan": [_("Kế hoạch: không tìm thấy kế hoạch “%(v)s”.") % {"v": plan_id}]}
            )
        task = services.add_task(request.user, plan, request.data)
        return self._read(task, status.HTTP_201_CREATED)

    @extend_schema(request=TaskWriteSerializer, responses=TaskSerializer)
    def update(self, request, *args, **kwargs):
        task = self.get_object()
        task = services.update_task(request.user, task, request.data, partial=kwargs.get("partial", False))
        return self._read(task)

    @extend_schema(parameters=[OpenApiParameter("version", int)])
    def destroy(self, request, *args, **kwargs):
        task = self.get_object()
        version = request.query_params.get("version") or request.data.get("version")
        services.delete_task(
            request.user, task, _int(version, "version") if version not in (None, "") else None
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MoveSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        task = self.get_object()
        services.move_task(request.user, task, str(request.data.get("direction", "")))
        return self._read(task)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = services.copy_task(request.user, self.get_object())
        return self._read(copy, status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("plans", PlanViewSet, basename="api-plan")
    router.register("tasks", TaskViewSet, basename="api-task")
