"""The one way to register and change patients and referring clinicians."""

from django.db import transaction
from django.db.models import IntegerField
from django.db.models.functions import Cast, Substr

from knotwork.clinics.models import Clinic
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.patients.models import ALLOWED_STATUS_CHANGES, Patient, PatientStatus, ReferringClinician

CHART_PREFIX = "P-"

PATIENT_FIELDS = [
    "chart_number",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "referring_clinician",
]


def next_chart_number(clinic: Clinic) -> str:
    """The clinic's next automatic chart number (P-000001, P-000002, ...); call inside a transaction."""
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()  # serialise concurrent registrations
    highest = (
        Patient.objects.filter(clinic=clinic, chart_number__regex=r"^P-[0-9]{6}$")
        .annotate(n=Cast(Substr("chart_number", 3), IntegerField()))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    )
    return f"{CHART_PREFIX}{(highest or 0) + 1:06d}"


def _check_referrer(clinic: Clinic, referrer: ReferringClinician | None) -> None:
    if referrer is not None and referrer.clinic_id != clinic.pk:
        raise ClinicRuleError("That referring clinician belongs to another clinic.")


@transaction.atomic
def register_patient(*, clinic: Clinic, by: Actor, data: dict, new_referrer: dict | None = None) -> Patient:
    require(by, "register_patient", clinic)
    patient = Patient(clinic=clinic)
    for field in PATIENT_FIELDS:
        if field in data:
            setattr(patient, field, data[field])
    if new_referrer:
        patient.referring_clinician = save_referring_clinician(clinic=clinic, by=by, data=new_referrer)
    _check_referrer(clinic, patient.referring_clinician)
    if not patient.chart_number:
        patient.chart_number = next_chart_number(clinic)
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def update_patient(*, patient: Patient, by: Actor, data: dict, new_referrer: dict | None = None) -> Patient:
    require(by, "update_patient", patient)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if "chart_number" in data and not (data["chart_number"] or "").strip():
        raise ClinicRuleError("A chart number, once given, cannot be removed (it may be on paper records and bills).")
    for field in PATIENT_FIELDS:
        if field in data:
            setattr(patient, field, data[field])
    if new_referrer:
        patient.referring_clinician = save_referring_clinician(clinic=patient.clinic, by=by, data=new_referrer)
    _check_referrer(patient.clinic, patient.referring_clinician)
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def change_patient_status(*, patient: Patient, status: str, reason: str = "", by: Actor) -> Patient:
    require(by, "change_patient_status", patient)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    current = PatientStatus(patient.status)
    wanted = PatientStatus(status)
    if wanted == current:
        raise ClinicRuleError(f"The patient is already {current.label.lower()}.")
    if wanted not in ALLOWED_STATUS_CHANGES[current]:
        raise ClinicRuleError(f"A patient who is {current.label.lower()} cannot become {wanted.label.lower()}.")
    if wanted == PatientStatus.ON_HOLD and not reason.strip():
        raise ClinicRuleError("Say why treatment is on hold, so the whole team can see it.")
    patient.status = wanted
    patient.status_reason = reason.strip()
    patient.full_clean()
    patient.save(update_fields=["status", "status_reason", "updated_at"])
    return patient


@transaction.atomic
def save_referring_clinician(
    *, clinic: Clinic, by: Actor, data: dict, referrer: ReferringClinician | None = None
) -> ReferringClinician:
    require(by, "save_referring_clinician", clinic)
    if referrer is None:
        referrer = ReferringClinician(clinic=clinic)
    elif referrer.clinic_id != clinic.pk:
        raise ClinicRuleError("That referring clinician belongs to another clinic.")
    for field in ("name", "profession", "practice", "phone", "fax", "email", "npi"):
        if field in data:
            setattr(referrer, field, data[field] if data[field] is not None else "")
    referrer.full_clean()
    referrer.save()
    return referrer
