"""One filter set per model, shared by the plan list page and the API (unit filters include sub-units)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.plans.models import Plan, PlanState, Task, TaskAssignment
from chiso.units.models import Unit


def _subtree(unit_id: int):
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        return Unit.objects.none()
    return Unit.objects.descendants(unit, include_self=True)


class PlanFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(label=_("Đơn vị (gồm đơn vị trực thuộc)"), method="filter_unit")
    issuer = django_filters.NumberFilter(label=_("Cơ quan ban hành"), field_name="issuer_id")
    year = django_filters.NumberFilter(label=_("Năm"), method="filter_year")
    state = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=PlanState.choices)
    framework = django_filters.NumberFilter(label=_("Bộ chỉ số"), method="filter_framework")
    framework_version = django_filters.NumberFilter(label=_("Phiên bản bộ chỉ số"), field_name="frameworks")
    criterion = django_filters.NumberFilter(label=_("Tiêu chí"), field_name="tasks__criteria", distinct=True)
    lead_unit = django_filters.NumberFilter(label=_("Đơn vị chủ trì"), method="filter_lead_unit")
    upper_plan = django_filters.NumberFilter(label=_("Kế hoạch cấp trên"), field_name="upper_plan_id")
    q = django_filters.CharFilter(label=_("Tìm theo số, trích yếu"), method="filter_q")

    class Meta:
        model = Plan
        fields = [
            "unit",
            "issuer",
            "year",
            "state",
            "framework",
            "framework_version",
            "criterion",
            "lead_unit",
            "q",
        ]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(issuer__in=_subtree(value))

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_framework(self, queryset, name, value):
        return queryset.filter(frameworks__framework_id=value).distinct()

    def filter_lead_unit(self, queryset, name, value):
        lead = TaskAssignment.objects.filter(role=TaskAssignment.Role.LEAD, unit_id=value).values(
            "task__plan_id"
        )
        return queryset.filter(pk__in=lead)

    def filter_q(self, queryset, name, value):
        for word in value.split():
            if "/" in word or word.isdigit():
                number = word.split("/")[0]
                queryset = queryset.filter(number=number) if number else queryset
                continue
            queryset = queryset.filter(Q(title__icontains=word) | Q(symbol__icontains=word))
        return queryset


class TaskFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label=_("Kế hoạch"), field_name="plan_id")
    unit = django_filters.NumberFilter(
        label=_("Đơn vị ban hành kế hoạch (gồm trực thuộc)"), method="filter_unit"
    )
    year = django_filters.NumberFilter(label=_("Năm"), method="filter_year")
    state = django_filters.ChoiceFilter(
        label=_("Trạng thái kế hoạch"), choices=PlanState.choices, field_name="plan__state"
    )
    framework = django_filters.NumberFilter(
        label=_("Bộ chỉ số"), field_name="criteria__version__framework", distinct=True
    )
    criterion = django_filters.NumberFilter(label=_("Tiêu chí"), field_name="criteria", distinct=True)
    lead_unit = django_filters.NumberFilter(label=_("Đơn vị chủ trì"), method="filter_lead_unit")
    parent_task = django_filters.NumberFilter(label=_("Nhiệm vụ cấp trên"), field_name="parent_task_id")
    q = django_filters.CharFilter(label=_("Tìm trong nhiệm vụ"), method="filter_q")

    class Meta:
        model = Task
        fields = ["plan", "unit", "year", "state", "framework", "criterion", "lead_unit", "parent_task", "q"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(plan__issuer__in=_subtree(value))

    def filter_year(self, queryset, name, value):
        return queryset.filter(plan__year_from__lte=value, plan__year_to__gte=value)

    def filter_lead_unit(self, queryset, name, value):
        return queryset.filter(
            assignments__role=TaskAssignment.Role.LEAD, assignments__unit_id=value
        ).distinct()

    def filter_q(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(text__icontains=word)
        return queryset
