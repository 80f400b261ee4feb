"""Request-wide rules: every view declares its access rule; idle sessions end; one client address for all."""

import functools
import ipaddress
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.defaults import permission_denied
from django.views.generic import RedirectView

from knotwork.core import defaults
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


def client_ip_address(request: HttpRequest) -> str | None:
    """The address of the client: the sign-in lockout, the audit trail and the session list all use this one.

    Behind the operator's proxies (BEHIND_PROXY, PROXY_COUNT) the client is the address the outermost of them
    appended to X-Forwarded-For: the entry PROXY_COUNT from the right. Entries further left come from the client
    and can be forged, so they are never used; without a proxy the header is ignored altogether.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    if not settings.KNOTWORK_TRUST_X_FORWARDED_FOR:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < settings.KNOTWORK_PROXY_COUNT:
        return remote_addr  # the request did not pass through every proxy: nothing in the header is vouched for
    return _bare_address(hops[-settings.KNOTWORK_PROXY_COUNT]) or remote_addr


def _bare_address(hop: str) -> str | None:
    """An IP address from one X-Forwarded-For entry (some proxies add a port), or None if it is not one."""
    candidates = [hop]
    if hop.startswith("[") and "]" in hop:
        candidates = [hop[1 : hop.index("]")]]  # [2001:db8::1]:443
    elif hop.count(":") == 1:
        candidates.append(hop.split(":")[0])  # 203.0.113.7:51234
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


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

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A refusal is expected, not a fault: one warning line with the address, no traceback, no patient data.

        Django would log it with the whole traceback; the page the user sees is the same 403 page.
        """
        if not isinstance(exception, PermissionDenied):
            return None
        logger.warning("Forbidden (%s): %s %s", type(exception).__name__, request.method, request.path)
        response = permission_denied(request, exception)
        response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own line would repeat it
        return response


def session_timeout_minutes(user) -> int:
    """The idle limit of `user`: what their clinic set (asked of the membership), else Knotwork's default."""
    membership = getattr(user, "membership", None)
    if membership is None:
        return defaults.SESSION_TIMEOUT_MINUTES
    return membership.session_timeout_minutes


LAST_SEEN_EVERY_SECONDS = 60


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
            # Written at most once a minute: the idle limit is minutes long, and a session written on every
            # request costs every request (the tablet saves a hold every half minute) a database write.
            if last_seen is None or now - last_seen > LAST_SEEN_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


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
