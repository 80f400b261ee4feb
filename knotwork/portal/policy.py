"""Who may make and withdraw a patient's private links: all staff; Knotwork makes the link a check-in sends."""

from knotwork.clinics.policy import STAFF, rule
from knotwork.core.policy import register

register(
    rule("create_patient_link", "make a private link for a patient", STAFF),
    rule("create_check_in_link", "make a check-in link", STAFF, system=True),
    rule("revoke_link", "withdraw a private link", STAFF),
)
