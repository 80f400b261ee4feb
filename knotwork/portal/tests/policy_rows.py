"""Who may send the message about a visit and sign a consent-forms link (rows of tests/test_policy_table.py)."""

from django.utils import timezone

from tests.policy_actors import FRONT_DESK, OWNER, PATIENT, PRACTITIONER, SYSTEM


def _packet(w):
    from knotwork.plans import services as plans
    from knotwork.portal import services as portal

    plans.create_plan(
        patient=w.patient,
        practitioner=w.practitioner,
        by=w.practitioner,
        starts_on=timezone.localdate(),
        techniques=["assisted_stretching"],
    )
    return portal.create_patient_link(patient=w.patient, purpose="consents", by=w.owner, send_email=False)[0]


ROWS = {
    # Whoever booked, moved or cancelled the visit (staff, the patient on the care page, Knotwork for online
    # booking and the waitlist): the patient hears of it.
    "portal.send_visit_message": (
        {OWNER, PRACTITIONER, FRONT_DESK, SYSTEM, PATIENT},
        lambda w: {"appointment": w.appointment_next_week, "change": "booked"},
    ),
    # Only the patient signs, through their consent-forms link.
    "portal.sign_consent_packet": (
        {PATIENT},
        lambda w: {"link": _packet(w), "signed_name": "Pat Example", "signature": "M1 1 L2 2", "shown": {}},
    ),
}
NOT_SERVICES = {
    # The merge fields of a message about a visit (scheduling's reminders build the reminder's with it): reads only.
    "scheduling.services.reminders.message_values",
}
