"""The front desk walks a long patient list page by page: Next, Previous and First page, in name order."""

import pytest
from playwright.sync_api import expect

from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_next_previous_and_first_page(page, front_desk, clinic_a, screenshot, axe_violations):
    for n in range(30):
        PatientFactory(clinic=clinic_a, first_name="Ada", last_name=f"Pagewalker{n:02d}")
    sign_in(page, front_desk.email)
    page.goto("/patients/")
    rows = page.locator("#patient-results tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Pagewalker00")
    pages = page.get_by_role("navigation", name="Pages of patients")
    expect(pages).to_contain_text("25 patients on this page, by last name")
    assert not axe_violations(page)

    pages.get_by_role("link", name="Next").click()
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Pagewalker25")
    expect(rows.last).to_contain_text("Pagewalker29")
    assert "Pagewalker" not in page.url  # the link names a row, never a patient
    screenshot(page, "patient-list-second-page")

    pages.get_by_role("link", name="Previous").click()
    expect(rows).to_have_count(25)
    expect(rows.last).to_contain_text("Pagewalker24")
    expect(pages.get_by_role("link", name="Previous")).to_have_count(0)
