"""The words of the messages about a visit until the owner changes them (Knotwork default, no clinical source).

Nothing clinical is in them, not even the kind of appointment ({{appointment_type}} is there for a clinic that wants
it): a text shows on a phone's lock screen, and an email may be read by others.

Each is a subject and a body with merge fields (knotwork.messaging.merge); a line with a link the message does not
carry this time (no intake form left to fill) is left out when the message is written.
"""

from knotwork.messaging.models import MessageKind

SOURCE = "Knotwork default, no clinical source"

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    MessageKind.CONFIRMATION: {
        "subject": "[{{clinic_name}}] Your appointment on {{when}}",
        "body": (
            "Hello {{patient_first_name}},\n\n"
            "Your appointment at {{clinic_name}} is booked:\n\n"
            "  {{when}}\n"
            "  with {{practitioner}}\n\n"
            "Before your first visit, please fill in your intake form: {{intake_link}}\n"
            "Please read and sign your consent forms: {{consent_link}}\n\n"
            "Your care page shows your appointments; you can move or cancel a visit there up to "
            "{{cancel_policy_hours}} hours before it starts: {{care_link}}\n"
            "To change it later than that, please call {{clinic_name}} on {{clinic_phone}}.\n\n"
            "The calendar file attached adds the visit to your calendar.\n\n"
            "{{clinic_name}}"
        ),
    },
    MessageKind.CHANGE: {
        "subject": "[{{clinic_name}}] Your appointment is moved to {{when}}",
        "body": (
            "Hello {{patient_first_name}},\n\n"
            "Your appointment at {{clinic_name}} has moved.\n\n"
            "  Now: {{when}}\n"
            "  Before: {{previous_when}}\n"
            "  with {{practitioner}}\n\n"
            "Please fill in your intake form before your visit: {{intake_link}}\n"
            "Please read and sign your consent forms: {{consent_link}}\n\n"
            "Your care page: {{care_link}}\n"
            "If this time does not suit you, please call {{clinic_name}} on {{clinic_phone}}.\n\n"
            "The calendar file attached replaces the old time in your calendar.\n\n"
            "{{clinic_name}}"
        ),
    },
    MessageKind.CANCELLATION: {
        "subject": "[{{clinic_name}}] Your appointment on {{when}} is cancelled",
        "body": (
            "Hello {{patient_first_name}},\n\n"
            "Your appointment at {{clinic_name}} on {{when}} (with {{practitioner}}) "
            "is cancelled.\n\n"
            "To book another time, call {{clinic_name}} on {{clinic_phone}}.\n"
            "Your care page: {{care_link}}\n\n"
            "{{clinic_name}}"
        ),
    },
    MessageKind.REMINDER: {
        "subject": "[{{clinic_name}}] Appointment reminder: {{when}}",
        "body": (
            "Hello {{patient_first_name}},\n\n"
            "This is a reminder of your appointment at {{clinic_name}}:\n\n"
            "  {{when}}\n"
            "  with {{practitioner}}\n"
            "  {{clinic_address}}\n\n"
            "To change or cancel this appointment, please phone the clinic on {{clinic_phone}}.\n\n"
            "{{clinic_name}}"
        ),
    },
    MessageKind.WAITLIST_OFFER: {
        "subject": "[{{clinic_name}}] A time is free: {{when}}",
        "body": (
            "Hello {{patient_first_name}},\n\n"
            "A time you were waiting for at {{clinic_name}} is free:\n\n"
            "  {{when}}\n"
            "  with {{practitioner}}\n\n"
            "It is held for you until {{offer_expires}}. To take it, open: {{offer_link}}\n\n"
            "If you do not want it, there is nothing to do: it goes to the next person waiting.\n\n"
            "{{clinic_name}}"
        ),
    },
}

# What the preview on the settings page fills the fields with: plainly made up, never a real patient.
SAMPLE_VALUES: dict[str, str] = {
    "patient_first_name": "Alex",
    "appointment_type": "Treatment",
    "practitioner": "Sam Example",
    "when": "Tuesday 3 March 2026 at 10:15",
    "previous_when": "Monday 2 March 2026 at 09:00",
    "cancel_policy_hours": "24",
    "care_link": "https://clinic.example/p/…",
    "intake_link": "https://clinic.example/p/…",
    "consent_link": "https://clinic.example/p/…",
    "offer_link": "https://clinic.example/booking/offer/…",
    "offer_expires": "Monday 2 March 2026 at 18:00",
}
