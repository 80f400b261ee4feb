from django.contrib import admin

from knotwork.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Installation superusers manage accounts here; clinic owners use the Staff page."""

    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    exclude = ["password", "groups", "user_permissions"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser
