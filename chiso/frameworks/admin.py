"""Frameworks in the Django admin; every save and delete is audited (chiso.core.admin.AuditedAdmin)."""

from django.contrib import admin

from chiso.core.admin import AuditedAdmin
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion


class VersionInline(admin.TabularInline):
    model = FrameworkVersion
    fk_name = "framework"
    extra = 0
    fields = ["code", "name", "year_from", "year_to", "owner", "based_on"]
    readonly_fields = ["owner", "based_on"]
    show_change_link = True
    can_delete = False  # deletions go through the audited delete of the version's own page


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ["code", "short_name", "kind", "owner", "publisher"]
    list_filter = ["kind", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["code", "short_name", "name_vi", "name_en"]
    autocomplete_fields = ["owner"]
    inlines = [VersionInline]

    def save_formset(self, request, form, formset, change):
        from chiso.core.audit import save_audited

        for obj in formset.save(commit=False):
            save_audited(obj, request.user, note="admin")


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(AuditedAdmin):
    list_display = ["name", "framework", "code", "year_from", "year_to", "owner", "based_on"]
    list_filter = ["framework", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "framework__code"]
    autocomplete_fields = ["owner", "based_on"]
    list_select_related = ["framework", "owner", "based_on"]


@admin.register(Criterion)
class CriterionAdmin(AuditedAdmin):
    list_display = ["code", "name_vi", "level", "version", "max_points", "weight", "verification"]
    list_filter = ["level", "verification", "version__framework", "version"]
    search_fields = ["code", "name_vi", "name_en", "search_key"]
    autocomplete_fields = ["parent", "based_on"]
    list_select_related = ["version"]
    ordering = ["version_id", "position", "code"]
