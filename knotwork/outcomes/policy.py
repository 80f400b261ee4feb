"""Who may record questionnaires (all staff: they are patient-reported; the patient on their own link) and load
the clinic's licensed wording (the owner, whose licence it rests on)."""

from knotwork.clinics.policy import OWNER, STAFF, rule
from knotwork.core.policy import register

register(
    rule("record_questionnaire", "record a questionnaire", STAFF, patient=True),
    rule("load_questionnaire_text", "load the licensed questionnaire wording", OWNER),
)
