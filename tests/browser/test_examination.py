"""A practitioner examines a patient and records two trigger points on the body map."""

import datetime

import pytest
from playwright.sync_api import expect

from knotwork.assessment.models import TriggerPointFinding
from knotwork.assessment.screening import get_ruleset
from knotwork.assessment.services import start_intake, submit_intake
from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_two_trigger_points_and_a_diagnosis(page, clinic_a, practitioner, screenshot, axe_violations):
    patient = PatientFactory(
        clinic=clinic_a, first_name="Tove", last_name="Examinee", date_of_birth=datetime.date(1980, 4, 2)
    )
    intake = start_intake(patient=patient, by=practitioner)
    answers = {q.id: False for q in get_ruleset().questions.values() if q.type == "yes_no"}
    submit_intake(
        intake=intake,
        chief_complaint="Pain down the outside of the right leg",
        complaint_area="hip_leg",
        pain_now=7,
        drawing=[
            {"region": "right-buttock", "intensity": 7, "quality": "ache"},
            {"region": "right-thigh-outer", "intensity": 6, "quality": "ache"},
            {"region": "right-leg-outer", "intensity": 5, "quality": "ache"},
        ],
        answers=answers,
        by=practitioner,
    )
    sign_in(page, practitioner.email)
    page.goto(patient.get_absolute_url())
    expect(page.get_by_role("heading", name="Safety screen: Clear")).to_be_visible()
    page.get_by_role("button", name="New examination").click()
    expect(page.get_by_role("heading", name="The atlas suggests examining")).to_be_visible()
    expect(page.get_by_role("link", name="Gluteus minimus (right)")).to_be_visible()

    pick = page.locator("#pick-map")
    for muscle, region, view in (("gluteus-minimus", "right-buttock", "back"), ("piriformis", "right-buttock", "back")):
        expect(pick).to_have_attribute("data-pick-ready", "true")  # the page's script listens for clicks
        pick.locator(f"[data-view={view}] [data-region={region}]").click()
        expect(page.locator("[data-pick-status]")).to_contain_text("buttock")
        page.get_by_label("Muscle").select_option(muscle)
        page.get_by_label("Taut band").check()
        page.get_by_label("Hypersensitive spot in the band").check()
        page.get_by_label("Patient recognises the pain").check()
        page.get_by_label("Pain on palpation (0-10)").fill("7")
        page.get_by_label("Pressure pain threshold").fill("2.5")
        page.get_by_label("Ppt unit").select_option("kg_cm2")
        page.get_by_role("button", name="Record trigger point").click()
        expect(page.get_by_text("Trigger point recorded.")).to_be_visible()

    expect(page.locator("#exam-points .bm-finding")).to_have_count(2)
    expect(page.get_by_text("245.2 kPa").first).to_be_visible()
    # The code box is a combobox since the ICD-10-CM search: a typed code is taken as typed.
    page.get_by_role("combobox", name="ICD-10-CM code").fill("M79.18")
    page.get_by_role("button", name="Add diagnosis").click()
    expect(page.get_by_text("primary", exact=True)).to_be_visible()
    screenshot(page, "examination")
    assert TriggerPointFinding.objects.filter(patient=patient).count() == 2
    assert all(p.side == "right" for p in TriggerPointFinding.objects.all())
    assert axe_violations(page) == []
