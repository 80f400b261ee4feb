"""Who may write letters to the referring clinician and change the clinic's letter templates.

A progress report or a discharge letter speaks for the clinician who treated the patient: a practitioner or the
owner sends it. The templates are the clinic's voice to every referrer, so the owner keeps them.
"""

from knotwork.clinics.policy import CLINICAL, OWNER, rule
from knotwork.core.policy import register

register(
    rule("send_letter", "write and send a letter to the referring clinician", CLINICAL),
    rule("change_letter_templates", "change the clinic's letter templates", OWNER),
)
