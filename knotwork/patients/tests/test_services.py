import datetime

import pytest
from django.core.exceptions import ValidationError

from knotwork.core.errors import ClinicRuleError
from knotwork.patients.forms import PatientForm, ReferringClinicianForm
from knotwork.patients.models import PATIENT_FIELDS, REFERRER_FIELDS, Patient, PatientStatus
from knotwork.patients.schemas import PatientIn, PatientPatch
from knotwork.patients.services import change_patient_status, register_patient, update_patient
from knotwork.patients.tests.factories import PatientFactory, ReferringClinicianFactory

BASE = {"first_name": "Noor", "last_name": "Haddad", "date_of_birth": datetime.date(1990, 5, 5)}


def test_registration_numbers_charts_in_sequence_per_clinic(clinic_a, clinic_b, owner, owner_b):
    first = register_patient(clinic=clinic_a, by=owner, **BASE)
    second = register_patient(clinic=clinic_a, by=owner, **BASE | {"first_name": "Rami"})
    other = register_patient(clinic=clinic_b, by=owner_b, **BASE)
    assert (first.chart_number, second.chart_number, other.chart_number) == ("P-000001", "P-000002", "P-000001")


def test_a_chart_number_is_unique_within_a_clinic(clinic_a, owner):
    register_patient(clinic=clinic_a, by=owner, **BASE, chart_number="X1")
    with pytest.raises(ValidationError, match="already has this chart number"):
        register_patient(clinic=clinic_a, by=owner, **BASE | {"first_name": "Other", "chart_number": "X1"})


def test_a_future_birth_date_is_refused(clinic_a, owner):
    with pytest.raises(ValidationError, match="future"):
        register_patient(clinic=clinic_a, by=owner, **BASE | {"date_of_birth": datetime.date(2999, 1, 1)})


def test_a_referrer_of_another_clinic_cannot_be_attached(clinic_a, clinic_b, owner):
    foreign = ReferringClinicianFactory(clinic=clinic_b)
    with pytest.raises(ClinicRuleError):
        register_patient(clinic=clinic_a, by=owner, **BASE, referring_clinician=foreign)


def test_a_new_referrer_is_created_with_the_patient(clinic_a, owner):
    patient = register_patient(clinic=clinic_a, by=owner, **BASE, new_referrer={"name": "Dr. Ilse Brandt"})
    assert patient.referring_clinician.name == "Dr. Ilse Brandt"
    assert patient.referring_clinician.clinic == clinic_a


def test_update_changes_only_the_given_fields(clinic_a, owner):
    patient = PatientFactory(clinic=clinic_a, city="Denver")
    update_patient(patient=patient, by=owner, city="Boulder")
    patient.refresh_from_db()
    assert (patient.city, patient.first_name) == ("Boulder", patient.first_name)


def test_putting_treatment_on_hold_needs_a_reason(clinic_a, owner):
    patient = PatientFactory(clinic=clinic_a)
    with pytest.raises(ClinicRuleError, match="why"):
        change_patient_status(patient=patient, status=PatientStatus.ON_HOLD, reason=" ", by=owner)
    change_patient_status(patient=patient, status=PatientStatus.ON_HOLD, reason="Awaiting MRI", by=owner)
    patient.refresh_from_db()
    assert (patient.status, patient.status_reason) == (PatientStatus.ON_HOLD, "Awaiting MRI")


def test_a_discharged_patient_can_only_become_active_again(clinic_a, owner):
    patient = PatientFactory(clinic=clinic_a, status=PatientStatus.DISCHARGED)
    with pytest.raises(ClinicRuleError, match="cannot become on hold"):
        change_patient_status(patient=patient, status=PatientStatus.ON_HOLD, reason="x", by=owner)
    change_patient_status(patient=patient, status=PatientStatus.ACTIVE, by=owner)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


def test_a_chart_number_cannot_be_blanked(clinic_a, owner):
    patient = register_patient(clinic=clinic_a, by=owner, **BASE)
    with pytest.raises(ClinicRuleError, match="cannot be removed"):
        update_patient(patient=patient, by=owner, chart_number=" ")
    patient.refresh_from_db()
    assert patient.chart_number == "P-000001"


def test_a_detail_the_services_do_not_take_is_refused_and_nothing_saved(clinic_a, owner):
    """The patient services take the details of PATIENT_FIELDS as keywords; anything else is an error, not ignored."""
    with pytest.raises(TypeError, match="unexpected keyword arguments: status"):
        register_patient(clinic=clinic_a, by=owner, **BASE, status=PatientStatus.DISCHARGED)
    assert not Patient.objects.filter(clinic=clinic_a).exists()
    patient = PatientFactory(clinic=clinic_a)
    with pytest.raises(TypeError, match="unexpected keyword arguments: clinic_id"):
        update_patient(patient=patient, by=owner, city="Boulder", clinic_id=0)
    patient.refresh_from_db()
    assert patient.city != "Boulder"


def test_the_form_the_services_and_the_api_share_one_list_of_patient_details():
    api_fields = [name for name in PatientIn.model_fields if name != "allow_duplicate"]
    assert list(PatientForm._meta.fields) == api_fields == list(PatientPatch.model_fields) == list(PATIENT_FIELDS)
    assert list(ReferringClinicianForm._meta.fields) == list(REFERRER_FIELDS)
