"""Who may register patients and change their details, status and referrers: all staff, front desk included."""

from knotwork.clinics.policy import STAFF, rule
from knotwork.core.policy import register, register_scope
from knotwork.patients.models import Patient

register_scope(Patient, lambda patient: (patient.clinic_id, patient.pk))

register(
    # The online booking page registers a new patient as the system ("online booking").
    rule("register_patient", "register a patient", STAFF, system=True),
    rule("update_patient", "change a patient's details", STAFF),
    # The system puts a patient on hold when a safety screen finds a red flag (whoever submitted the intake).
    rule("change_patient_status", "change a patient's status", STAFF, system=True),
    rule("save_referring_clinician", "add or change a referring clinician", STAFF),
)
