"""Request-wide rules: every view declares its access rule; idle sessions end; owners use MFA."""

import functools
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import RedirectView

from knotwork.core.access import access_rule_of

logger = logging.getLogger(__name__)

# Views of these packages carry their own access control (allauth's login pages, the admin site's
# permission checks, django-ninja's per-router auth, static files).
EXEMPT_VIEW_MODULES = (
    "allauth.",
    "django.contrib.admin.",
    "django.contrib.staticfiles.",
    "django.views.static",
    "ninja.",
    "django.contrib.contenttypes.views",  # the admin's "view on site" redirect
)


def view_module(view) -> str:
    """The module that defines a view, looking through functools.partial wrappers."""
    while isinstance(view, functools.partial):
        view = view.func
    return getattr(view, "__module__", "") or ""


def is_exempt(view) -> bool:
    """Third-party views with their own access control, and bare redirects (they reveal nothing)."""
    if getattr(view, "view_class", None) is RedirectView:
        return True
    if hasattr(view, "model_admin") or hasattr(view, "admin_site"):
        return True  # wrapped by the admin site, which checks its own permissions
    return view_module(view).startswith(EXEMPT_VIEW_MODULES)


def view_name(view) -> str:
    while isinstance(view, functools.partial):
        view = view.func
    return getattr(view, "__qualname__", repr(view))


LAST_SEEN_KEY = "knotwork_last_seen"


class AccessRuleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if access_rule_of(view_func) is not None:
            return None
        if is_exempt(view_func):
            return None
        logger.error("Refused view %s.%s: it declares no access rule", view_module(view_func), view_name(view_func))
        return HttpResponseForbidden("This page declares no access rule and is refused.")


def session_timeout_minutes(user) -> int:
    from knotwork.clinics.defaults import SESSION_TIMEOUT_MINUTES

    membership = getattr(user, "membership", None)
    if membership is None:
        return SESSION_TIMEOUT_MINUTES.value
    return membership.clinic.settings.session_timeout_minutes


class InactivityTimeoutMiddleware:
    """Sign a user out after the clinic's idle limit (clinic setting, default 30 minutes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = session_timeout_minutes(user) * 60
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class OwnerMfaMiddleware:
    """Send a clinic owner without an authenticator app to set one up before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and _owner_without_mfa(request, user)
        ):
            messages.warning(request, "Clinic owners must protect their account with an authenticator app.")
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _owner_without_mfa(request: HttpRequest, user) -> bool:
    from allauth.mfa.models import Authenticator

    from knotwork.clinics.models import Role

    if request.session.get("knotwork_mfa_ok"):
        return False
    membership = getattr(user, "membership", None)
    if membership is None or membership.role != Role.OWNER or not settings.KNOTWORK_OWNER_MFA_REQUIRED:
        return False
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        request.session["knotwork_mfa_ok"] = True
        return False
    return True


class ClinicTimeZoneMiddleware:
    """Show every time in the signed-in user's clinic time zone (appointments, check-ins, notes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
        if membership is not None:
            timezone.activate(membership.clinic.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
