"""Who may call the letters services (tests/test_policy_table.py adds these rows to its table)."""

from tests.policy_actors import CLINICAL, OWNER

ROWS = {
    "letters.send_letter": (CLINICAL, lambda w: {"patient": w.patient, "kind": "progress", "delivery": "print"}),
    "letters.save_letter_template": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "kind": "progress", "subject": "Progress: {{patient.full_name}}"},
    ),
}
