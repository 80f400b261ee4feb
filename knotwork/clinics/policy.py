"""Who may change a clinic, its settings and its staff; and the role sets every app's rules are written with."""

from knotwork.clinics.models import Clinic, Role
from knotwork.core.policy import Condition, Rule, register, register_scope

OWNER = frozenset({Role.OWNER})
CLINICAL = frozenset({Role.OWNER, Role.PRACTITIONER})
STAFF = frozenset({Role.OWNER, Role.PRACTITIONER, Role.FRONT_DESK})
NO_STAFF: frozenset[str] = frozenset()

WHO = {
    OWNER: "the clinic owner",
    CLINICAL: "a practitioner or the owner",
    STAFF: "staff of this clinic",
    NO_STAFF: "Knotwork itself",
}


def rule(
    action: str,
    doing: str,
    roles: frozenset[str],
    *,
    system: bool = False,
    patient: bool = False,
    condition: Condition | None = None,
    condition_text: str = "",
    refusal: str = "",
) -> Rule:
    """A rule whose refusal names the allowed roles: "Only a practitioner or the owner can sign a note."."""
    return Rule(
        action=action,
        doing=doing,
        roles=roles,
        who=WHO[roles],
        system=system,
        patient=patient,
        condition=condition,
        condition_text=condition_text,
        refusal=refusal,
    )


register_scope(Clinic, lambda clinic: (clinic.pk, None))

register(
    # The first clinic of an installation is made by `manage.py create_clinic`; the demo loader makes its own.
    rule("create_clinic", "create a clinic", NO_STAFF, system=True),
    rule("change_clinic_settings", "change the clinic's settings", OWNER),
    # Staff join through an invitation (accepting it adds the membership as the system) or by the demo loader.
    rule("add_member", "add a member of staff", OWNER, system=True),
    rule("change_staff_role", "change a member of staff's role", OWNER),
    rule("deactivate_staff", "deactivate a member of staff", OWNER),
    rule("reactivate_staff", "reactivate a member of staff", OWNER),
    rule("mark_physician", "mark who is a physician", OWNER),
)
