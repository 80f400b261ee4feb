"""Who may invite staff; a staff user, as the object of an action, belongs to their membership's clinic."""

from knotwork.accounts.models import User
from knotwork.clinics.policy import OWNER, rule
from knotwork.core.policy import Actor, NotAllowed, register, register_scope


def _clinic_of_user(user: User) -> tuple[int | None, None]:
    membership = getattr(user, "membership", None)
    return (membership.clinic_id if membership is not None else None), None


register_scope(User, _clinic_of_user)


def staff_user(by: Actor) -> User:
    """The member of staff acting, for a field that names who did it (the practitioner, who signed): asked after
    `require` let only staff through, so Knotwork itself or a patient here is a mistake in the code, refused."""
    if not isinstance(by, User):
        raise NotAllowed(f"Only a member of staff can be recorded as doing this, not {by}.")
    return by


def acting_staff(by: Actor) -> User | None:
    """The member of staff behind `by`, for an optional "by" field; None for Knotwork itself and for a patient."""
    return by if isinstance(by, User) else None


register(
    # `manage.py create_clinic` invites the first owner as the system.
    rule("invite_staff", "invite staff", OWNER, system=True),
    rule("revoke_invitation", "withdraw an invitation", OWNER),
    # A user signs themselves out everywhere without asking the policy (it is their own account).
    rule("end_staff_sessions", "sign a member of staff out everywhere", OWNER),
    # `manage.py create_api_key` makes keys as the system, for automation.
    rule("manage_api_keys", "create and revoke API keys", OWNER, system=True),
)
