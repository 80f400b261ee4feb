"""The corrected intake page (drawing, safety answers, factors) and an examination edited while open: a finding
corrected with its history kept, a range of motion removed with a reason."""

import datetime

import pytest
from playwright.sync_api import expect

from knotwork.assessment.models import ExaminationRevision, RangeOfMotion
from knotwork.assessment.services import (
    record_range_of_motion,
    record_trigger_point,
    start_examination,
    start_intake,
    submit_intake,
)
from knotwork.assessment.tests.factories import screen_answers
from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def patient(clinic_a, practitioner):
    patient = PatientFactory(
        clinic=clinic_a, first_name="Ines", last_name="Corrected", date_of_birth=datetime.date(1979, 6, 3)
    )
    intake = start_intake(patient=patient, by=practitioner)
    submit_intake(
        intake=intake,
        chief_complaint="Right neck and shoulder pain",
        complaint_area="neck",
        pain_now=6,
        drawing=[
            {"region": "right-back-neck", "intensity": 7, "quality": "ache"},
            {"region": "right-shoulder-top", "intensity": 5, "quality": "burning"},
        ],
        activating_factors=["stress", "work_posture"],
        perpetuating_factors=["short_upper_arms", "vitamin_d"],
        answers=screen_answers(yes=["anticoagulant"]),
        by=practitioner,
    )
    return patient


def test_the_intake_page_shows_the_drawing_the_answers_and_the_factors(
    page, patient, practitioner, screenshot, axe_violations
):
    sign_in(page, practitioner.email)
    page.goto(patient.intakes.get().get_absolute_url())
    expect(page.get_by_role("heading", name="Pain drawing")).to_be_visible()
    region = page.locator("#intake-view [data-view=back] [data-region=right-back-neck]")
    expect(region).to_have_attribute("data-intensity", "7")
    expect(
        page.get_by_text("Top of the shoulder (ridge between neck and shoulder), right: 5/10, burning")
    ).to_be_visible()
    answers = page.get_by_role("region", name="Safety answers")
    expect(answers.locator("#yes-answers li")).to_have_count(1)
    factors = page.get_by_role("region", name="Activating and perpetuating factors")
    expect(factors).to_contain_text("Stress, Work posture")
    expect(factors).to_contain_text("Short upper arms (elbows do not reach the armrests), Vitamin D insufficiency")
    screenshot(page, "assessment-intake-detail")
    assert axe_violations(page) == []


def test_correct_a_finding_and_remove_a_range_of_motion(page, patient, practitioner, screenshot, axe_violations):
    examination = start_examination(patient=patient, by=practitioner)
    record_trigger_point(
        examination=examination,
        muscle="upper-trapezius",
        side="right",
        region="right-shoulder-top",
        view="back",
        x=250,
        y=180,
        taut_band=True,
        palpation_pain=5,
        by=practitioner,
    )
    record_range_of_motion(
        examination=examination, movement="Cervical rotation", side="left", degrees=55, by=practitioner
    )
    sign_in(page, practitioner.email)
    page.goto(examination.get_absolute_url())
    points = page.locator("#points-table")
    expect(points).to_contain_text("below the consensus")
    expect(points).to_contain_text("1 of 3")

    # Correct the finding: the spot was found on a second palpation.
    page.get_by_role("link", name="Correct or remove Upper trapezius (right)").click()
    expect(page.get_by_role("heading", name="Correct it")).to_be_visible()
    expect(page.get_by_label("Pain on palpation (0-10)")).to_have_value("5")
    page.get_by_label("Hypersensitive spot in the band").check()
    page.get_by_label("Pressure pain threshold").fill("-2")
    page.get_by_label("Ppt unit").select_option("kg_cm2")
    page.get_by_label("Why (kept in the history)").fill("Found on a second palpation")
    page.get_by_role("button", name="Save the correction").click()
    # An impossible threshold is refused with what was typed kept.
    expect(page.get_by_text("A pressure pain threshold is a pressure above zero")).to_be_visible()
    expect(page.get_by_label("Hypersensitive spot in the band")).to_be_checked()
    expect(page.get_by_label("Why (kept in the history)")).to_have_value("Found on a second palpation")
    screenshot(page, "assessment-correct-point-refused")
    page.get_by_label("Pressure pain threshold").fill("2.5")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Trigger point corrected; the earlier values are kept in its history.")).to_be_visible()
    expect(points).to_contain_text("meets the consensus")
    expect(points).to_contain_text("2 of 3")
    points.get_by_text("History: corrected 1 time").click()
    expect(points).to_contain_text("Found on a second palpation")

    # Remove the range of motion: a reason is asked for, then it moves to the removed entries.
    page.get_by_role("link", name="Correct or remove Cervical rotation").click()
    page.get_by_role("button", name="Remove this range of motion").click()
    expect(page.get_by_text("Write why this entry is removed")).to_be_visible()
    page.get_by_label("Why is it removed?").fill("Measured on the wrong side")
    page.get_by_role("button", name="Remove this range of motion").click()
    expect(
        page.get_by_text("Range of motion removed; it stays in the examination's history with your reason.")
    ).to_be_visible()
    removed = page.get_by_text("Removed ranges of motion (1)")
    removed.click()
    expect(page.get_by_text("“Measured on the wrong side”")).to_be_visible()
    screenshot(page, "assessment-examination-corrected")
    assert axe_violations(page) == []
    assert not RangeOfMotion.objects.filter(examination=examination).exists()
    assert ExaminationRevision.objects.filter(examination=examination).count() == 2
