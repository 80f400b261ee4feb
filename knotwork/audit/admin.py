from django.contrib import admin

from knotwork.audit.models import AuditEntry
from knotwork.core.admin import is_clinic_owner
from knotwork.core.models import clinic_id_of

# django-auditlog registers its own admin for the entry model; Knotwork's is scoped and read-only.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "actor_kind", "actor_label", "action", "content_type", "object_repr", "remote_addr"]
    list_filter = ["action", "actor_kind", "content_type"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(clinic_id=clinic_id_of(request.user))

    def has_module_permission(self, request) -> bool:
        return is_clinic_owner(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_clinic_owner(request.user) and (obj is None or obj.clinic_id == clinic_id_of(request.user))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
