from django.contrib import admin

from chiso.core.audit import delete_audited, save_audited
from chiso.core.models import AuditEntry, DayOff


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes from the Django admin go through the audit trail like every other change."""

    def save_model(self, request, obj, form, change):
        save_audited(obj, request.user, note="admin")

    def delete_model(self, request, obj):
        delete_audited(obj, request.user, note="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_audited(obj, request.user, note="admin")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DayOff)
class DayOffAdmin(AuditedAdmin):
    """Days off and compensating working days announced each year (used by chiso.core.workdays)."""

    list_display = ["date", "kind", "name", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
