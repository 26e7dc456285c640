from django.contrib import admin

from chiso.core.admin import AuditedAdmin
from chiso.units.models import Membership, Unit, UnitChange, UnitSuccession


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "search_key", "ref"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["ref"]


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    extra = 0
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(UnitChange)
class UnitChangeAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "effective_on", "effective_year", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["ref", "description", "legal_basis"]
    inlines = [SuccessionInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "unit", "role", "title"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
