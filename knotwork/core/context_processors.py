from django.http import HttpRequest

from knotwork.core import policy


class Permissions:
    """`{% if may.start_session %}`: whether the signed-in user's role allows an action (to hide a button).

    An action no rule names raises UnknownAction, so a misspelt name fails loudly instead of hiding the button.
    """

    def __init__(self, user):
        self.user = user

    def __getitem__(self, action: str) -> bool:
        return policy.can(self.user, action)


def clinic(request: HttpRequest) -> dict:
    """Expose the signed-in user's clinic and role to every template (for the header and navigation)."""
    user = getattr(request, "user", None)
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    if membership is None or not membership.is_active:
        return {"current_clinic": None, "current_role": None, "current_role_label": "", "may": Permissions(None)}
    return {
        "current_clinic": membership.clinic,
        "current_role": membership.role,
        "current_role_label": membership.get_role_display(),
        "may": Permissions(user),
    }
