"""Access rules every view declares; `AccessRuleMiddleware` refuses a view that declares none.

`@public` marks a view anyone may open. `@clinic_member()` requires a signed-in user with an active
membership and puts `request.clinic` and `request.membership` on the request. A page that exists for one
action (the form that starts a session, the owner's staff page) names it, `@clinic_member(may="start_session")`,
and the policy (`knotwork.core.policy`) answers; role tuples in views are not used: the services ask the same
policy before they write.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from knotwork.core import policy

ACCESS_RULE_ATTR = "knotwork_access_rule"

View = Callable[..., HttpResponse]


class ClinicRequest(HttpRequest):
    """A request that passed `clinic_member`: for type hints in views."""

    clinic: "Clinic"  # noqa: F821
    membership: "Membership"  # noqa: F821


def public(view: View) -> View:
    setattr(view, ACCESS_RULE_ATTR, "public")
    return view


def clinic_member(*roles: str, may: str | None = None) -> Callable[[View], View]:
    if may is not None:
        policy.rule_for(may)  # fail at start-up, not on the first request, for a misspelt action

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(user, "membership", None)
            if membership is None or not membership.is_active or not user.is_active:
                raise PermissionDenied("You are not a member of a clinic.")
            if roles and membership.role not in roles:
                raise PermissionDenied("Your role does not allow this.")
            if may is not None:
                policy.require(user, may)
            request.membership = membership
            request.clinic = membership.clinic
            return view(request, *args, **kwargs)

        rule = f"may={may}" if may else ("|".join(roles) if roles else "any")
        setattr(wrapped, ACCESS_RULE_ATTR, "clinic:" + rule)
        return wrapped

    return decorator


def access_rule_of(view: Callable) -> str | None:
    rule = getattr(view, ACCESS_RULE_ATTR, None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, ACCESS_RULE_ATTR, None)
    return rule
