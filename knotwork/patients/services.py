"""The one way to register and change patients and referring clinicians."""

from typing import Unpack

from django.db import transaction
from django.db.models import IntegerField
from django.db.models.functions import Cast, Substr

from knotwork.audit.models import lock_chain
from knotwork.clinics.models import Clinic
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.patients.models import (
    ALLOWED_STATUS_CHANGES,
    Patient,
    PatientDetails,
    PatientStatus,
    ReferrerDetails,
    ReferringClinician,
)

CHART_PREFIX = "P-"


def next_chart_number(clinic: Clinic) -> str:
    """The clinic's next automatic chart number (P-000001, P-000002, ...); call inside a transaction."""
    # The audit chain's lock first, as every audited write takes it, then the clinic row that serialises
    # registrations: one order for both locks, so a registration never deadlocks against another audited write.
    lock_chain(clinic.pk)
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
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
def register_patient(
    *, clinic: Clinic, by: Actor, new_referrer: ReferrerDetails | None = None, **details: Unpack[PatientDetails]
) -> Patient:
    """Register a patient with the details given (each of PATIENT_FIELDS), and a new referring clinician if named."""
    require(by, "register_patient", clinic)
    refuse_unknown("register_patient", details, PatientDetails)
    patient = Patient(clinic=clinic)
    for field, value in details.items():
        setattr(patient, field, value)
    if new_referrer:
        patient.referring_clinician = save_referring_clinician(clinic=clinic, by=by, **new_referrer)
    _check_referrer(clinic, patient.referring_clinician)
    if not patient.chart_number:
        patient.chart_number = next_chart_number(clinic)
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def update_patient(
    *, patient: Patient, by: Actor, new_referrer: ReferrerDetails | None = None, **changes: Unpack[PatientDetails]
) -> Patient:
    """Change the details given (each of PATIENT_FIELDS); those left out keep their value."""
    require(by, "update_patient", patient)
    refuse_unknown("update_patient", changes, PatientDetails)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if "chart_number" in changes and not (changes["chart_number"] or "").strip():
        raise ClinicRuleError("A chart number, once given, cannot be removed (it may be on paper records and bills).")
    for field, value in changes.items():
        setattr(patient, field, value)
    if new_referrer:
        patient.referring_clinician = save_referring_clinician(clinic=patient.clinic, by=by, **new_referrer)
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
    *, clinic: Clinic, by: Actor, referrer: ReferringClinician | None = None, **details: Unpack[ReferrerDetails]
) -> ReferringClinician:
    """Add a referring clinician, or change the details given of `referrer`."""
    require(by, "save_referring_clinician", clinic)
    refuse_unknown("save_referring_clinician", details, ReferrerDetails)
    if referrer is None:
        referrer = ReferringClinician(clinic=clinic)
    elif referrer.clinic_id != clinic.pk:
        raise ClinicRuleError("That referring clinician belongs to another clinic.")
    for field, value in details.items():
        setattr(referrer, field, value if value is not None else "")
    referrer.full_clean()
    referrer.save()
    return referrer
