"""A front-desk user signs in, registers a patient, finds them by search and opens the chart."""

import re

import pytest
from playwright.sync_api import expect

from knotwork.accounts.tests.factories import PASSWORD
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Today, "))).to_be_visible()


def test_register_search_and_open_a_chart(page, front_desk, clinic_a, screenshot, axe_violations):
    PatientFactory.create_batch(3, clinic=clinic_a)
    sign_in(page, front_desk.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()

    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Elin")
    page.get_by_label("Last name").fill("Sandqvist")
    page.get_by_label("Date of birth").fill("1979-02-30")  # the browser's date input refuses an impossible day
    page.get_by_label("Date of birth").fill("2099-01-01")
    page.get_by_label("Phone", exact=True).fill("(303) 555-0166")
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_text("The date of birth cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Elin")
    expect(page.get_by_label("Phone", exact=True)).to_have_value(re.compile(r"555-0166"))
    screenshot(page, "patient-form-error")

    page.get_by_label("Date of birth").fill("1979-02-28")
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", name="Elin Sandqvist")).to_be_visible()
    expect(page.get_by_text("Chart P-000001")).to_be_visible()

    page.get_by_role("link", name="Patients").first.click()
    page.get_by_label("Search patients").fill("sandq")
    page.get_by_label("Search patients").press("Enter")  # live search may not be wired yet on a fresh page
    results = page.locator("#patient-results")
    expect(results.get_by_role("link", name="Sandqvist, Elin")).to_be_visible()
    expect(results.get_by_role("row")).to_have_count(2)
    screenshot(page, "patient-search")
    assert axe_violations(page) == []

    results.get_by_role("link", name="Sandqvist, Elin").click()
    expect(page.get_by_role("heading", name="Elin Sandqvist")).to_be_visible()
    expect(page.get_by_text("Not yet recorded.").first).to_be_visible()
    screenshot(page, "patient-chart")
    assert axe_violations(page) == []
