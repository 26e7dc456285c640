"""The filter sets for frameworks, versions and criteria, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion


class FrameworkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Tìm kiếm"))
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", label=_("Mã bộ chỉ số"))
    kind = django_filters.MultipleChoiceFilter(choices=Framework.Kind.choices, label=_("Loại"))
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Đơn vị sở hữu"))
    national = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull", label=_("Quốc gia"))

    class Meta:
        model = Framework
        fields = ["q", "code", "kind", "owner", "national"]

    def filter_q(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word) | Q(short_name__icontains=word) | Q(name_vi__icontains=word)
            )
        return queryset


class FrameworkVersionFilter(django_filters.FilterSet):
    framework = django_filters.CharFilter(
        field_name="framework__code", lookup_expr="iexact", label=_("Mã bộ chỉ số")
    )
    framework_id = django_filters.NumberFilter(field_name="framework_id", label=_("Bộ chỉ số"))
    kind = django_filters.ChoiceFilter(
        field_name="framework__kind", choices=Framework.Kind.choices, label=_("Loại")
    )
    year = django_filters.NumberFilter(method="filter_year", label=_("Áp dụng cho năm"))
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Đơn vị sở hữu"))
    based_on = django_filters.NumberFilter(field_name="based_on_id", label=_("Dựa trên phiên bản"))
    national = django_filters.BooleanFilter(method="filter_national", label=_("Phiên bản quốc gia"))

    class Meta:
        model = FrameworkVersion
        fields = ["framework", "framework_id", "kind", "year", "owner", "based_on", "national"]

    def filter_year(self, queryset, name, value):
        return queryset.for_year(int(value))

    def filter_national(self, queryset, name, value):
        national = Q(owner__isnull=True, framework__owner__isnull=True)
        return queryset.filter(national) if value else queryset.exclude(national)


class CriterionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Tìm kiếm (không phân biệt dấu)"))
    framework = django_filters.CharFilter(
        field_name="version__framework__code", lookup_expr="iexact", label=_("Mã bộ chỉ số")
    )
    version = django_filters.NumberFilter(field_name="version_id", label=_("Phiên bản"))
    level = django_filters.ChoiceFilter(choices=CriterionLevel.choices, label=_("Cấp"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Phiên bản áp dụng cho năm"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Tiêu chí cha"))
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", label=_("Mã tiêu chí"))

    class Meta:
        model = Criterion
        fields = ["q", "framework", "version", "level", "year", "parent", "code"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(version__in=FrameworkVersion.objects.for_year(int(value)))
