"""A practitioner finds a diagnosis code by typing words and picks it from the list, by mouse or by keyboard."""

import datetime

import pytest
from playwright.sync_api import expect

from knotwork.assessment.models import Diagnosis
from knotwork.assessment.services import start_examination
from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def examination(clinic_a, practitioner):
    patient = PatientFactory(
        clinic=clinic_a, first_name="Runa", last_name="Codewell", date_of_birth=datetime.date(1975, 6, 3)
    )
    return start_examination(patient=patient, by=practitioner)


def test_typing_shoulder_lists_codes_and_a_click_picks_the_right_shoulder(
    page, practitioner, examination, screenshot, axe_violations
):
    sign_in(page, practitioner.email)
    page.goto(examination.get_absolute_url())
    box = page.get_by_role("combobox", name="ICD-10-CM code")
    box.fill("shoulder")
    listbox = page.get_by_role("listbox", name="ICD-10-CM codes found")
    expect(listbox).to_be_visible()
    right = listbox.get_by_role("option", name="M25.511 Pain in right shoulder")
    expect(right).to_be_visible()
    expect(listbox.get_by_role("option", name="M25.512 Pain in left shoulder")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    screenshot(page, "diagnosis-code-search-list")
    assert axe_violations(page) == []

    right.click()
    expect(box).to_have_value("M25.511")
    expect(listbox).to_be_hidden()
    expect(page.get_by_text("Chosen: M25.511 Pain in right shoulder.")).to_be_visible()
    page.get_by_role("button", name="Add diagnosis").click()
    expect(page.get_by_text("Diagnosis added.")).to_be_visible()
    diagnosis = Diagnosis.objects.get(examination=examination)
    assert (diagnosis.code, diagnosis.description) == ("M25.511", "Pain in right shoulder")
    screenshot(page, "diagnosis-code-search-added")


def test_the_keyboard_alone_picks_a_code_and_a_heading_is_refused(page, practitioner, examination, screenshot):
    sign_in(page, practitioner.email)
    page.goto(examination.get_absolute_url())
    box = page.get_by_role("combobox", name="ICD-10-CM code")
    box.fill("m79.1")
    listbox = page.get_by_role("listbox", name="ICD-10-CM codes found")
    heading = listbox.get_by_role("option", name="M79.1 Myalgia")
    expect(heading).to_have_attribute("aria-disabled", "true")
    expect(heading).to_contain_text("use a more specific code")
    box.press("ArrowDown")  # the heading, listed first
    box.press("ArrowDown")
    expect(listbox.get_by_role("option", name="M79.10 Myalgia, unspecified site", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("M79.11")
    box.press("Enter")  # the list is closed: Enter sends the form
    expect(page.get_by_text("Diagnosis added.")).to_be_visible()
    assert Diagnosis.objects.get(examination=examination).code == "M79.11"

    # A heading typed and sent without the list is refused by the form, naming the codes to use.
    box = page.get_by_role("combobox", name="ICD-10-CM code")
    box.fill("M54.5")
    expect(listbox.get_by_role("option", name="M54.5 Low back pain")).to_be_visible()
    box.press("Escape")  # closes the list, keeps what was typed
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("M54.5")
    page.get_by_role("button", name="Add diagnosis").click()
    expect(page.get_by_text("use a more specific code: M54.50 Low back pain, unspecified")).to_be_visible()
    screenshot(page, "diagnosis-code-search-heading-refused")
    assert Diagnosis.objects.filter(examination=examination).count() == 1
