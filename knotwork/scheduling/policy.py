"""Who may change the calendar: all staff book and move; the owner sets appointment types and rooms; each practitioner
keeps their own hours, time off and calendar feed (the owner may change anyone's hours); Knotwork sends reminders."""

from knotwork.clinics.models import Role
from knotwork.clinics.policy import CLINICAL, NO_STAFF, OWNER, STAFF, rule
from knotwork.core.policy import register

OWN_HOURS = "You can change your own working hours and time off; the owner can change anyone's."


def _own_or_owner(by, obj) -> str | None:
    """The object is a practitioner (a user) or their time off; None asks only about the role (to show a button)."""
    if obj is None or getattr(obj, "practitioner_id", obj.pk) == by.pk or by.membership.role == Role.OWNER:
        return None
    return OWN_HOURS


def _own_feed(refusal: str):
    def condition(by, practitioner) -> str | None:
        return None if practitioner is None or practitioner.pk == by.pk else refusal

    return condition


OWN_OR_OWNER = "their own; the owner anyone's"

register(
    # The online booking page books as the system ("online booking"), within the clinic's booking rules.
    rule("book_appointment", "book an appointment", STAFF, system=True),
    # A patient moves or cancels their own visit from the care page, up to the clinic's notice period before it
    # (the service checks the period, ClinicSettings.patient_change_notice_hours).
    rule("move_appointment", "move an appointment", STAFF, patient=True),
    rule("cancel_appointment", "cancel an appointment", STAFF, patient=True),
    rule("book_series", "book repeating appointments", STAFF),
    rule("cancel_series", "cancel an appointment and the later ones of its series", STAFF),
    rule("create_room", "add a room", OWNER),
    rule("update_room", "change a room", OWNER),
    rule("mark_no_show", "mark an appointment did-not-attend", STAFF),
    rule("mark_attended", "mark an appointment attended", STAFF),
    rule("create_appointment_type", "add an appointment type", OWNER),
    rule("update_appointment_type", "change an appointment type", OWNER),
    rule(
        "set_working_hours",
        "change working hours",
        CLINICAL,
        condition=_own_or_owner,
        condition_text=OWN_OR_OWNER,
        refusal=OWN_HOURS,
    ),
    rule(
        "add_time_off",
        "record time off",
        CLINICAL,
        condition=_own_or_owner,
        condition_text=OWN_OR_OWNER,
        refusal=OWN_HOURS,
    ),
    rule(
        "remove_time_off",
        "remove time off",
        CLINICAL,
        condition=_own_or_owner,
        condition_text=OWN_OR_OWNER,
        refusal=OWN_HOURS,
    ),
    rule(
        "create_calendar_feed",
        "make a calendar feed",
        CLINICAL,
        condition=_own_feed("Each practitioner makes their own calendar feed."),
        condition_text="their own",
    ),
    rule(
        "revoke_calendar_feed",
        "revoke a calendar feed",
        CLINICAL,
        condition=_own_feed("Each practitioner revokes their own calendar feed."),
        condition_text="their own",
    ),
    rule("send_reminder", "send an appointment reminder", NO_STAFF, system=True),
    rule("send_due_reminders", "send the reminders that are due", NO_STAFF, system=True),
)
