"""What accounts does when allauth or django-axes report a sign-in event (connected in AccountsConfig.ready)."""

from axes.helpers import get_failure_limit

from knotwork.accounts import services
from knotwork.accounts.middleware import (
    CODE_STEP_TYPES,
    SecondFactor,
    mark_second_factor_checked,
    mark_second_factor_passed,
    mark_session_seen,
    second_factor_state,
)


def second_factor_set_up(sender, *, request=None, user=None, authenticator=None, **kwargs) -> None:
    """Setting up an authenticator app checks a code from it: this session has passed the code step."""
    if request is None or user is None or authenticator is None or authenticator.type not in CODE_STEP_TYPES:
        return
    if getattr(request, "user", None) is not None and request.user.pk == user.pk:
        mark_second_factor_passed(request.session, user)


def sign_in_locked(sender, *, request=None, username=None, **kwargs) -> None:
    """Email the user once when their sign-in locks, not on every refused attempt during the lockout."""
    if request is None or not username:
        return
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != get_failure_limit(request, {"username": username}):
        return
    services.notify_sign_in_locked(email=username)


def signed_in(sender, *, request=None, user=None, **kwargs) -> None:
    """Check the second factor at sign-in (not on the first page); allauth has just listed the new session."""
    if request is None or user is None:
        return
    if second_factor_state(request, user) is SecondFactor.OK:
        mark_second_factor_checked(request.session)
    mark_session_seen(request.session)
