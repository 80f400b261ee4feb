"""The words a clinic's letters start with until the owner changes them (Knotwork default, no clinical source)."""

from knotwork.letters.models import LetterKind

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    LetterKind.PROGRESS: {
        "subject": "Progress report: {{patient.full_name}}, born {{patient.date_of_birth}}",
        "opening": (
            "Dear {{referrer.name}},\n\n"
            "Thank you for referring {{patient.full_name}} (born {{patient.date_of_birth}}) to {{clinic.name}}. "
            "This is a report on the course of treatment that began on {{course.start}}: "
            "{{course.sessions}} session(s) so far. In short, the patient {{verdict}}."
        ),
        "closing": (
            "Please contact me at {{clinic.name}} with any questions.\n\nYours sincerely,\n{{practitioner.name}}"
        ),
    },
    LetterKind.DISCHARGE: {
        "subject": "Discharge: {{patient.full_name}}, born {{patient.date_of_birth}}",
        "opening": (
            "Dear {{referrer.name}},\n\n"
            "{{patient.full_name}} (born {{patient.date_of_birth}}) has completed a course of treatment at "
            "{{clinic.name}} from {{course.start}} to {{course.end}} ({{course.sessions}} session(s)) and is "
            "discharged from our care. By the clinic's responder rule, the patient {{verdict}}."
        ),
        "closing": (
            "We would be glad to see {{patient.first_name}} again on your referral.\n\n"
            "Yours sincerely,\n{{practitioner.name}}"
        ),
    },
}
