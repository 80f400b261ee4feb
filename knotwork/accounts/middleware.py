"""No signed-in session without the second factor, whatever route opened it; sessions are listed for their user."""

import enum
import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from knotwork.clinics.models import Role

SECOND_FACTOR_SESSION_KEY = "knotwork_second_factor"
SECOND_FACTOR_CHECKED_KEY = "knotwork_second_factor_checked"
# The authenticators allauth's sign-in asks a code of (recovery codes only stand in for them).
CODE_STEP_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def mark_second_factor_passed(session: SessionBase, user) -> None:
    """Record that this session proved the user's second factor (a code just checked while setting it up)."""
    session[SECOND_FACTOR_SESSION_KEY] = str(user.pk)


def passed_second_factor(request: HttpRequest, user) -> bool:
    """Whether this session, not merely this account, completed an authenticator step."""
    if request.session.get(SECOND_FACTOR_SESSION_KEY) == str(user.pk):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def must_use_second_factor(user) -> bool:
    """Clinic owners and installation superusers must have an authenticator (unless a development install opts out)."""
    if not settings.KNOTWORK_OWNER_MFA_REQUIRED:
        return False
    if user.is_superuser:
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role == Role.OWNER


class SecondFactor(enum.Enum):
    OK = "ok"
    SKIPPED = "skipped"  # the user has an authenticator; this session never passed its code step
    MISSING = "missing"  # an owner (or superuser) without an authenticator


def second_factor_state(request: HttpRequest, user) -> SecondFactor:
    passed = passed_second_factor(request, user)
    required = must_use_second_factor(user)
    if passed and not required:
        return SecondFactor.OK
    has_authenticator = is_mfa_enabled(user, CODE_STEP_TYPES)
    if has_authenticator and not passed:
        return SecondFactor.SKIPPED
    if required and not has_authenticator:
        return SecondFactor.MISSING
    return SecondFactor.OK


def mark_second_factor_checked(session: SessionBase) -> None:
    """This session was found to follow the rule just now (see SecondFactorMiddleware.CHECK_EVERY)."""
    session[SECOND_FACTOR_CHECKED_KEY] = time.time()


class SecondFactorMiddleware:
    """End a session that skipped the code step; send an owner without an authenticator to set one up.

    allauth's sign-in asks for the code, but a session can be opened other ways (another login view, a future
    integration, a session made before an authenticator was added elsewhere). The rule is checked here against
    the session itself, at sign-in or its first request, and again every minute.
    """

    SETUP_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")
    API_PREFIX = "/api/"
    CHECK_EVERY = 60  # seconds: an authenticator added or removed elsewhere is noticed within a minute

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        checked = request.session.get(SECOND_FACTOR_CHECKED_KEY)
        if checked is not None and 0 <= time.time() - checked < self.CHECK_EVERY:
            return self.get_response(request)
        state = second_factor_state(request, user)
        if state is SecondFactor.SKIPPED:
            # Carry on as an anonymous visitor: pages send them to sign in, the API answers 401.
            logout(request)
            messages.warning(request, "Sign in with your password and the code from your authenticator app.")
            return self.get_response(request)
        if state is SecondFactor.MISSING:
            if request.path.startswith(self.SETUP_ALLOWED_PREFIXES):
                return self.get_response(request)
            if request.path.startswith(self.API_PREFIX):
                # A program cannot follow a redirect to the set-up page: say what is wrong, as the API does.
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Authenticator app required",
                        "status": 403,
                        "detail": "Clinic owners must set up an authenticator app in Knotwork before using the API.",
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            messages.warning(request, "Clinic owners must protect their account with an authenticator app.")
            return redirect(reverse("mfa_activate_totp"))
        mark_second_factor_checked(request.session)
        return self.get_response(request)


SESSION_SEEN_KEY = "knotwork_session_seen"
SESSION_SEEN_EVERY = 5 * 60  # seconds


def mark_session_seen(session: SessionBase) -> None:
    """The session's entry on the Sessions page is up to date (just written)."""
    session[SESSION_SEEN_KEY] = time.time()


class UserSessionTrackingMiddleware:
    """List every signed-in session on its user's Sessions page, with when and where it was last used.

    allauth records a session when its sign-in completes; this also records sessions opened otherwise (and those
    older than the Sessions page), and refreshes the last-seen time and address every few minutes rather than
    writing on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            seen = request.session.get(SESSION_SEEN_KEY)
            if seen is None or now - seen > SESSION_SEEN_EVERY:
                UserSession.objects.create_from_request(request)
                mark_session_seen(request.session)
        return self.get_response(request)
