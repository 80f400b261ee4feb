"""Access rules every view declares; `AccessRuleMiddleware` refuses a view that declares none.

`@public` marks a view anyone may open. `@clinic_member(*roles)` requires a signed-in user with an active
membership (and, when roles are given, one of those roles) and puts `request.clinic` and
`request.membership` on the request.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

ACCESS_RULE_ATTR = "knotwork_access_rule"

View = Callable[..., HttpResponse]


class ClinicRequest(HttpRequest):
    """A request that passed `clinic_member`: for type hints in views."""

    clinic: "Clinic"  # noqa: F821
    membership: "Membership"  # noqa: F821


def public(view: View) -> View:
    setattr(view, ACCESS_RULE_ATTR, "public")
    return view


def clinic_member(*roles: str) -> Callable[[View], View]:
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
            request.membership = membership
            request.clinic = membership.clinic
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_RULE_ATTR, "clinic:" + ("|".join(roles) if roles else "any"))
        return wrapped

    return decorator


def access_rule_of(view: Callable) -> str | None:
    rule = getattr(view, ACCESS_RULE_ATTR, None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, ACCESS_RULE_ATTR, None)
    return rule
