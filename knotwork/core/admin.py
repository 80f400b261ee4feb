"""The admin site for clinic owners: every list and object is scoped to the owner's clinic."""

from django.contrib import admin

from knotwork.core.models import clinic_id_of


def is_clinic_owner(user) -> bool:
    from knotwork.clinics.models import Role

    membership = getattr(user, "membership", None)
    return bool(user.is_active and membership is not None and membership.is_active and membership.role == Role.OWNER)


class KnotworkAdminSite(admin.AdminSite):
    site_header = "Knotwork administration"
    site_title = "Knotwork admin"
    index_title = "Clinic data"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_clinic_owner(user))


class ClinicScopedAdmin(admin.ModelAdmin):
    """Owners see and change their own clinic's rows; nothing is added or deleted here (use the app)."""

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user)

    def has_module_permission(self, request) -> bool:
        return is_clinic_owner(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_clinic_owner(request.user) and (obj is None or obj.clinic_id == clinic_id_of(request.user))

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)
