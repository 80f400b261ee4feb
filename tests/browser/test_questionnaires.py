"""A practitioner records an Oswestry at intake (one section skipped), sees score and band, then the outcome list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.outcomes.models import QuestionnaireResponse
from knotwork.patients.tests.factories import PatientFactory
from knotwork.treatment.models import TreatmentSession
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Section: the answer's label (score-only labels, since the clinic has loaded no licensed wording). Sleeping is skipped.
ANSWERS = {
    "1. Pain intensity": "0 — least limitation",
    "2. Personal care": "1",
    "3. Lifting": "2",
    "4. Walking": "3",
    "5. Sitting": "4",
    "6. Standing": "5 — greatest limitation",
    "8. Sex life (if applicable)": "1",
    "9. Social life": "2",
    "10. Travelling": "3",
}


def test_record_an_oswestry_at_intake_and_read_the_outcomes(page, clinic_a, practitioner, screenshot, axe_violations):
    patient = PatientFactory(
        clinic=clinic_a, first_name="Ingrid", last_name="Lumbar", date_of_birth=datetime.date(1975, 6, 1)
    )
    session = TreatmentSession.objects.create(
        clinic=clinic_a, patient=patient, practitioner=practitioner, pain_before=7, pain_after=4
    )
    TreatmentSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3),
        ended_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=1),
    )
    sign_in(page, practitioner.email)
    page.goto(reverse("outcomes:patient_list", args=[patient.public_id]))
    expect(page.get_by_role("heading", name="Questionnaires and outcomes")).to_be_visible()
    page.get_by_label("Questionnaire", exact=True).select_option(label="Oswestry Disability Index")
    page.get_by_label("Taken at").select_option(label="Intake")
    page.get_by_role("button", name="Record a questionnaire").click()

    expect(page.get_by_role("heading", name="Oswestry Disability Index", exact=True)).to_be_visible()
    expect(page.get_by_text("The clinic has not loaded the licensed wording")).to_be_visible()
    for section, answer in ANSWERS.items():
        page.get_by_role("group", name=section).get_by_label(answer, exact=True).check()
    expect(page.get_by_role("group", name="7. Sleeping").get_by_label("Leave blank")).to_be_checked()
    screenshot(page, "questionnaire-odi-form")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save answers").click()

    expect(page.get_by_text("Oswestry Disability Index saved: 46.7 %, severe disability.")).to_be_visible()
    expect(page.locator(".outcome-big")).to_have_text("46.7 %")
    expect(page.get_by_text("Severe disability", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name="7 Sleeping skipped")).to_be_visible()
    screenshot(page, "questionnaire-odi-detail")
    saved = QuestionnaireResponse.objects.get()
    assert saved.answers == [0, 1, 2, 3, 4, 5, None, 1, 2, 3]
    assert saved.occasion == "intake"

    page.get_by_role("link", name="← Questionnaires of").click()
    expect(page.get_by_role("cell", name="46.7 %")).to_be_visible()
    expect(page.get_by_role("cell", name="baseline")).to_be_visible()
    expect(page.get_by_role("img", name="Pain (0-10): 2 readings")).to_be_visible()
    expect(page.get_by_role("img", name="Oswestry Disability Index (%): 1 scores")).to_be_visible()
    screenshot(page, "questionnaire-list")
    assert axe_violations(page) == []

    # A PSFS opened from the same page: the patient names and rates activities.
    page.get_by_label("Questionnaire", exact=True).select_option(label="Patient-Specific Functional Scale")
    page.get_by_role("button", name="Record a questionnaire").click()
    page.get_by_label("Activity 1", exact=True).fill("Gardening")
    page.get_by_label("Activity 1 rating (0-10)").fill("3")
    page.get_by_label("Activity 2", exact=True).fill("Sitting through a meeting")
    page.get_by_label("Activity 2 rating (0-10)").fill("12")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Enter a rating from 0 to 10.")).to_be_visible()
    expect(page.get_by_label("Activity 2", exact=True)).to_have_value("Sitting through a meeting")
    screenshot(page, "questionnaire-psfs-refused")
    page.get_by_label("Activity 2 rating (0-10)").fill("5")
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator(".outcome-big")).to_have_text("4.0 / 10")
