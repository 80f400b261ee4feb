"""Who may make and withdraw a patient's private links: all staff; Knotwork makes the link a check-in sends.
The message about a booked, moved or cancelled visit goes out whoever changed it; only the patient signs their
consent forms through a consent-forms link."""

from knotwork.clinics.policy import NO_STAFF, STAFF, rule
from knotwork.core.policy import register

register(
    rule("create_patient_link", "make a private link for a patient", STAFF),
    rule("create_check_in_link", "make a check-in link", STAFF, system=True),
    rule("revoke_link", "withdraw a private link", STAFF),
    # After staff, the patient (care page) or Knotwork (online booking, the waitlist) booked, moved or cancelled.
    rule(
        "send_visit_message",
        "send the patient the message about their visit",
        STAFF,
        system=True,
        patient=True,
    ),
    rule(
        "sign_consent_packet",
        "sign the consent forms of a consent-forms link",
        NO_STAFF,
        patient=True,
        refusal="Only the patient signs their consent forms through their link; staff witness a signature on the "
        "chart instead.",
    ),
)
