from django.contrib import admin

from knotwork.clinics.models import Clinic, ClinicSettings, Membership
from knotwork.core.admin import is_clinic_owner
from knotwork.core.models import clinic_id_of


class OwnClinicAdmin(admin.ModelAdmin):
    """Owners see their own clinic's row; the installation's superuser sees every clinic. Read-only: clinics are
    created with `manage.py create_clinic` and changed on the Settings and Staff pages, through the services."""

    clinic_field = "clinic_id"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{self.clinic_field: clinic_id_of(request.user)})

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_clinic_owner(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not is_clinic_owner(request.user):
            return False
        return obj is None or getattr(obj, self.clinic_field) == clinic_id_of(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Clinic)
class ClinicAdmin(OwnClinicAdmin):
    clinic_field = "pk"
    list_display = ["name", "phone", "email", "created_at"]


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(OwnClinicAdmin):
    list_display = ["clinic", "hold_seconds_min", "hold_seconds_max", "course_max_sessions"]
    readonly_fields = ["clinic"]


@admin.register(Membership)
class MembershipAdmin(OwnClinicAdmin):
    list_display = ["user", "clinic", "role", "is_active"]
    list_filter = ["role", "is_active"]
    readonly_fields = ["user", "clinic", "role", "is_active", "deactivated_at"]
