"""The one filter set for units, shared by the list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chiso.units.models import Unit, UnitKind


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Tìm kiếm"))
    kind = django_filters.MultipleChoiceFilter(choices=UnitKind.choices, label=_("Loại"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Đơn vị cấp trên"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Thuộc đơn vị (cả cấp dưới)"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Đang hiệu lực"))
    code = django_filters.CharFilter(field_name="code", label=_("Mã"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent", "within", "current", "code"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_within(self, queryset, name, value):
        from chiso.units.scope import expand

        return queryset.filter(pk__in=expand([value]))

    def filter_current(self, queryset, name, value):
        return queryset.current() if value else queryset.exclude(valid_to__isnull=True)
