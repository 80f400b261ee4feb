"""Who may record and withdraw consent to texts, run the text sweeps and change the clinic's messages (rows of
tests/test_policy_table.py)."""

from django.utils import timezone

from tests.policy_actors import FRONT_DESK, OWNER, PATIENT, PRACTITIONER, SYSTEM

ROWS = {
    "messaging.record_text_consent": (
        {OWNER, PRACTITIONER, FRONT_DESK, PATIENT},
        lambda w: {"patient": w.patient, "phone": "+13035550199"},
    ),
    "messaging.withdraw_text_consent": (
        {OWNER, PRACTITIONER, FRONT_DESK, SYSTEM, PATIENT},
        lambda w: {"patient": w.patient},
    ),
    "messaging.send_due_texts": ({SYSTEM}, lambda w: {"now": timezone.now()}),
    "messaging.stop_texts_to_number": ({SYSTEM}, lambda w: {"phone": "+13035550199"}),
    # The clinic's voice to every patient: the owner keeps the messages' words.
    "messaging.save_message_template": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "kind": "reminder", "subject": "Reminder", "body": "See you {{when}}."},
    ),
    "messaging.reset_message_template": ({OWNER}, lambda w: {"clinic": w.clinic, "kind": "reminder"}),
}
NOT_SERVICES = {
    # A step of the letters service, which asked the policy already: emails a letter and records the attempt.
    "messaging.send_letter_email",
    # Whether any channel reaches the patient (an email address, an agreement to texts): reads only.
    "messaging.reachable",
}
