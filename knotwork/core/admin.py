"""The admin site for clinic owners: every list and object is scoped to the owner's clinic."""

from urllib.parse import urlencode

from allauth.account import views as account_views
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from knotwork.core.access import public
from knotwork.core.models import clinic_id_of


def is_clinic_owner(user) -> bool:
    membership = getattr(user, "membership", None)
    return bool(user.is_active and membership is not None and membership.is_active and membership.is_owner)


class KnotworkAdminSite(admin.AdminSite):
    site_header = "Knotwork administration"
    site_title = "Knotwork admin"
    index_title = "Clinic data"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_clinic_owner(user))

    @public
    def login(self, request, extra_context=None):
        """Sign in through Knotwork's own sign-in (password, then the authenticator code), never a password alone."""
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = ""
        target = target or reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied("Only clinic owners may use the admin site.")
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": target}))

    def logout(self, request, extra_context=None):
        """Sign out through Knotwork's own sign-out page."""
        return account_views.logout(request)


class ClinicScopedAdmin(admin.ModelAdmin):
    """Owners read their own clinic's rows here; every change goes through the app, whose services ask the policy."""

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user)

    def has_module_permission(self, request) -> bool:
        return is_clinic_owner(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_clinic_owner(request.user) and (obj is None or obj.clinic_id == clinic_id_of(request.user))

    def has_change_permission(self, request, obj=None) -> bool:
        # A change here would skip the services (the policy, validation, the audit actor): read-only.
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
