from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Staff join by invitation only: there is no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


def axes_username(request, credentials) -> str | None:
    """The email a sign-in attempt is for: allauth passes it as `email`; the form field is `login`."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = request.POST.get("login")
    return value.strip().lower() if value else None
