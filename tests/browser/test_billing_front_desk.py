"""The front desk invoices a visit, takes a part payment and a later one, prints a receipt and a superbill, sells
and draws down a package; the owner sees the month's revenue."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from knotwork.accounts.tests.factories import PASSWORD
from knotwork.billing.tests.factories import fee_schedule, signed_visit
from tests.browser.test_patient_registration import sign_in
from tests.browser.test_sign_in_security import code_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_front_desk_invoices_a_visit_and_takes_two_payments(
    page, clinic_a, owner, front_desk, screenshot, axe_violations
):
    fees = fee_schedule(clinic_a, owner)
    appointment, _session = signed_visit(clinic_a, owner, fees)
    patient = appointment.patient

    sign_in(page, front_desk.email)
    page.goto(f"/patients/{patient.public_id}/")
    card = page.locator(".billing-card")
    expect(card.get_by_role("heading", name="Billing")).to_be_visible()
    screenshot(page, "billing-chart-card")
    card.get_by_role("button", name=re.compile(r"^Invoice visit of")).click()

    expect(page.get_by_role("heading", name=re.compile(r"^Draft invoice: "))).to_be_visible()
    expect(page.get_by_role("heading", name="Check before issuing")).to_be_visible()
    expect(page.get_by_role("cell", name="20561", exact=True)).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "billing-draft")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("Issued INV-00001 for 170.00 USD")).to_be_visible()

    page.get_by_label("Paid by").select_option("cash")
    page.get_by_role("region", name="Take a payment").get_by_label("Amount").fill("50")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Still due: 120.00 USD")).to_be_visible()
    page.get_by_label("Paid by").select_option("card")
    page.get_by_label("Reference").fill("slip 0448")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Paid in full.")).to_be_visible()
    screenshot(page, "billing-paid")

    page.get_by_role("link", name="Receipt R2").click()
    expect(page.get_by_role("heading", name="Receipt R2")).to_be_visible()
    expect(page.get_by_text("120.00 USD")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "billing-receipt")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download receipt PDF").click()
    assert download.value.suggested_filename == "receipt-R2.pdf"

    page.get_by_role("link", name="← INV-00001").click()
    page.get_by_role("link", name="Superbill").click()
    expect(page.get_by_role("heading", name="Superbill — INV-00001")).to_be_visible()
    expect(page.get_by_role("cell", name="M79.18")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "billing-superbill")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download superbill PDF").click()
    assert download.value.suggested_filename == "superbill-INV-00001.pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV for a biller").click()
    assert "20561" in Path(download.value.path()).read_text(encoding="utf-8")


def test_front_desk_sells_a_package_and_a_visit_draws_it_down(page, clinic_a, owner, front_desk, screenshot):
    fees = fee_schedule(clinic_a, owner)
    appointment, _session = signed_visit(clinic_a, owner, fees)
    patient = appointment.patient

    sign_in(page, front_desk.email)
    page.goto(f"/billing/patients/{patient.public_id}/")
    page.get_by_role("combobox", name="Package").select_option(label="Course of 5 (300.00 USD)")
    page.get_by_role("button", name="Sell package").click()
    expect(page.get_by_text("Sold Course of 5")).to_be_visible()
    page.get_by_label("Paid by").select_option("transfer")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Paid in full.")).to_be_visible()

    page.goto(f"/patients/{patient.public_id}/")
    expect(page.get_by_text("5 of 5 sessions left")).to_be_visible()
    page.locator(".billing-card").get_by_role("button", name=re.compile(r"^Invoice visit of")).click()
    page.get_by_role("button", name="Issue invoice").click()
    page.get_by_label("Paid by").select_option("package")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text(re.compile(r"Recorded 170\.00 USD \(package session\)"))).to_be_visible()
    page.goto(f"/patients/{patient.public_id}/")
    expect(page.get_by_text("4 of 5 sessions left")).to_be_visible()
    screenshot(page, "billing-package-on-chart")


def test_the_owner_sees_the_months_revenue(page, clinic_a, owner, front_desk, screenshot, axe_violations):
    from knotwork.billing import services

    fees = fee_schedule(clinic_a, owner)
    appointment, _session = signed_visit(clinic_a, owner, fees)
    invoice = services.issue_invoice(
        invoice=services.draft_invoice_from_visit(appointment=appointment, by=front_desk), by=front_desk
    )
    services.record_payment(invoice=invoice, method="card", by=front_desk)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    page.goto("/billing/")
    page.get_by_role("link", name="Business reports").click()
    expect(page.locator("#month-revenue")).to_have_text("170.00")
    expect(page.get_by_role("img", name=re.compile(r"Revenue by month \(USD\):.*170\.00"))).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "billing-reports")
