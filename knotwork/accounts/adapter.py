from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from knotwork.core.middleware import client_ip_address


class AccountAdapter(DefaultAccountAdapter):
    """Staff join by invitation only: there is no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same client address the lockout and the audit trail use (the Sessions page shows it)."""
        return client_ip_address(request) or super().get_client_ip(request)


def axes_username(request, credentials) -> str | None:
    """The email a sign-in attempt is for: allauth passes it as `email`; the form field is `login`."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = request.POST.get("login")
    return value.strip().lower() if value else None
