"""The staff page of a submitted intake shows the pain drawing, the safety answers and the factors."""

import pytest
from django.urls import reverse

from knotwork.assessment.services import start_intake, submit_intake
from knotwork.assessment.tests.factories import screen_answers
from knotwork.patients.tests.factories import PatientFactory


@pytest.fixture
def submitted(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    intake = start_intake(patient=patient, by=practitioner)
    submit_intake(
        intake=intake,
        chief_complaint="Right neck pain",
        complaint_area="neck",
        pain_now=6,
        drawing=[{"region": "right-back-neck", "intensity": 6, "quality": "ache"}],
        activating_factors=["stress", "work_posture"],
        perpetuating_factors=["short_upper_arms", "sleep_disturbance"],
        answers=screen_answers(yes=["anticoagulant"]),
        by=practitioner,
    )
    return intake


def test_the_submitted_intake_shows_the_pain_drawing(practitioner_client, submitted):
    page = practitioner_client.get(reverse("assessment:intake", args=[submitted.public_id])).text
    assert "Back of the neck, right: 6/10, ache" in page
    assert 'data-region="right-back-neck"' in page
    assert "The patient drew nothing" not in page


def test_the_submitted_intake_shows_the_safety_answers_yes_first(practitioner_client, submitted):
    page = practitioner_client.get(reverse("assessment:intake", args=[submitted.public_id])).text
    yes_list = page.split('id="yes-answers"')[1].split("</ul>")[0]
    assert "blood thinner" in yes_list.lower() or "anticoagulant" in yes_list.lower()
    assert yes_list.count("<li>") == 1
    assert "Important symptoms" in page  # every answer, by section


def test_the_submitted_intake_shows_activating_and_perpetuating_factors(practitioner_client, submitted):
    page = practitioner_client.get(reverse("assessment:intake", args=[submitted.public_id])).text
    assert "Stress, Work posture (desk, driving, standing)" in page
    assert "Short upper arms (elbows do not reach the armrests), Sleep disturbance" in page


def test_a_patient_ticks_perpetuating_factors_in_their_own_words(practitioner_client, clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    intake = start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    assert "Perpetuating factors the patient reports" in practitioner_client.get(url).text
    practitioner_client.post(url, {"action": "save", "perpetuating_factors": ["vitamin_d", "iron_deficiency"]})
    intake.refresh_from_db()
    assert intake.perpetuating_factors == ["vitamin_d", "iron_deficiency"]


def test_an_unknown_perpetuating_factor_is_not_kept(practitioner_client, clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    intake = start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    page = practitioner_client.post(url, {"action": "save", "perpetuating_factors": ["bad_luck"], "goals": "Run again"})
    assert "not one of the available choices" in page.text
    intake.refresh_from_db()
    assert intake.perpetuating_factors == []
    assert intake.goals == "Run again"


def test_the_patient_sees_the_perpetuating_factors_in_their_own_words():
    from knotwork.assessment.forms import IntakeForm
    from knotwork.assessment.models import Intake

    patient_side = str(IntakeForm(instance=Intake(), patient_facing=True)["perpetuating_factors"])
    assert "Your elbows do not reach the armrests of most chairs" in patient_side
    assert "Your health" in patient_side
    assert "Hypothyroidism" not in patient_side
    staff_side = str(IntakeForm(instance=Intake())["perpetuating_factors"])
    assert "Short upper arms (elbows do not reach the armrests)" in staff_side
