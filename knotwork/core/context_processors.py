from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict:
    """Expose the signed-in user's clinic and role to every template (for the header and navigation)."""
    user = getattr(request, "user", None)
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    if membership is None or not membership.is_active:
        return {"current_clinic": None, "current_role": None, "current_role_label": ""}
    return {
        "current_clinic": membership.clinic,
        "current_role": membership.role,
        "current_role_label": membership.get_role_display(),
    }
