"""The questions added by issue 12 reach the intake page, and their answers reach the screen and its referrals."""

import datetime

import pytest
from django.urls import reverse

from knotwork.assessment import screening
from knotwork.assessment.models import MedicalReferral, SafetyScreen
from knotwork.assessment.services import start_intake
from knotwork.patients.models import PatientStatus
from knotwork.patients.tests.factories import PatientFactory

NEW_QUESTIONS = [
    "limb_tingling_after_injury",
    "unexplained_swollen_leg",
    "exertional_chest_arm_jaw_pain",
    "breathless_or_sweating_with_pain",
    "new_headache",
    "jaw_pain_on_chewing",
    "scalp_tenderness",
    "visual_disturbance",
    "pulsating_abdomen",
    "sudden_severe_back_or_belly_pain",
    "hot_swollen_joint",
    "spreading_redness",
    "lymph_nodes_removed_or_radiotherapy",
    "height_cm",
    "weight_kg",
]


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, date_of_birth=datetime.date(1985, 5, 1))


def submit(client, intake, area: str, yes=(), **numbers):
    data = {"action": "submit", "chief_complaint": "Pain", "complaint_area": area, "pain_now": "6"}
    for question in screening.get_ruleset().questions.values():
        if question.type == "yes_no":
            data[f"q_{question.id}"] = "yes" if question.id in yes else "no"
    data.update({f"q_{name}": str(value) for name, value in numbers.items()})
    return client.post(reverse("assessment:intake", args=[intake.public_id]), data)


def test_the_intake_page_asks_the_new_questions(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    page = practitioner_client.get(reverse("assessment:intake", args=[intake.public_id])).text
    for question in NEW_QUESTIONS:
        assert f'name="q_{question}"' in page, question


def test_a_swollen_calf_on_the_intake_holds_treatment_with_a_same_day_referral(
    practitioner_client, patient, practitioner
):
    intake = start_intake(patient=patient, by=practitioner)
    assert submit(practitioner_client, intake, "hip_leg", yes=["unexplained_swollen_leg"]).status_code == 302
    assert SafetyScreen.objects.get(patient=patient).status == "hold"
    referral = MedicalReferral.objects.get(patient=patient)
    assert referral.urgency == "same_day"
    assert referral.get_urgency_display() == "Same day"
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ON_HOLD


def test_immunosuppression_alone_on_the_intake_opens_no_referral(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    submit(practitioner_client, intake, "low_back", yes=["immunosuppressed"])
    assert SafetyScreen.objects.get(patient=patient).status == "precautions"
    assert not MedicalReferral.objects.filter(patient=patient).exists()


def test_height_and_weight_on_the_intake_raise_the_slim_build_precaution(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    submit(practitioner_client, intake, "thoracic", height_cm=175, weight_kg=50)
    screen = SafetyScreen.objects.get(patient=patient)
    rules = {f["rule"]: f for f in screen.findings}
    assert rules["dn-pneumothorax-slim-build"]["because"] == ["Height", "Weight"]
    assert "dn-pneumothorax-standing" in rules
    assert screen.status == "precautions"
