"""The front desk's pages: invoice a visit from the chart, pay in parts, print receipts and superbills; the owner's
reports; every refusal answers with a message, never a 500."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from knotwork.audit.models import AuditEntry
from knotwork.billing import selectors, services
from knotwork.billing.models import Invoice, Payment
from knotwork.billing.tests.factories import fee_schedule, signed_visit


@pytest.fixture
def fees(clinic_a, owner):
    return fee_schedule(clinic_a, owner)


@pytest.fixture
def visit(clinic_a, owner, fees):
    return signed_visit(clinic_a, owner, fees)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else response.text


def test_front_desk_invoices_a_visit_from_the_chart_and_takes_two_payments(front_desk_client, visit):
    appointment, session = visit
    chart = front_desk_client.get(reverse("chart:patient", args=[appointment.patient.public_id]))
    assert "Invoice visit of" in chart.text
    drafted = front_desk_client.post(reverse("billing:draft_from_visit"), {"session": session.public_id}, follow=True)
    invoice = Invoice.objects.get()
    assert "97140" in drafted.text
    assert "Check before issuing" in drafted.text
    issued = front_desk_client.post(reverse("billing:invoice_issue", args=[invoice.public_id]), follow=True)
    assert "Issued INV-00001 for 170.00 USD" in _messages(issued)
    pay = reverse("billing:payment_record", args=[invoice.public_id])
    part = front_desk_client.post(pay, {"pay-method": "cash", "pay-amount": "50"}, follow=True)
    assert "Still due: 120.00" in _messages(part)
    rest = front_desk_client.post(pay, {"pay-method": "card", "pay-reference": "slip 1"}, follow=True)
    assert "receipt R2" in _messages(rest)
    assert selectors.figures(invoice).due == 0
    receipt = front_desk_client.get(reverse("billing:receipt", args=[Payment.objects.get(receipt_number=2).public_id]))
    assert "Receipt R2" in receipt.text
    assert "120.00" in receipt.text
    superbill = front_desk_client.get(reverse("billing:superbill", args=[invoice.public_id]))
    assert "1234567893" in superbill.text
    assert "M79.18" in superbill.text
    assert "20561" in superbill.text


def test_the_superbill_csv_has_one_row_per_line_and_escapes_formulas(front_desk_client, visit, front_desk):
    appointment, _session = visit
    invoice = services.draft_invoice_from_visit(appointment=appointment, by=front_desk)
    services.update_invoice(invoice=invoice, notes="x", by=front_desk)
    services.add_invoice_line(invoice=invoice, description="=HYPERLINK(1)", unit_price=Decimal("1"), by=front_desk)
    services.issue_invoice(invoice=invoice, by=front_desk)
    response = front_desk_client.get(reverse("billing:superbill_csv", args=[invoice.public_id]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["invoice_number", "date_of_service", "place_of_service"]
    assert [r[16] for r in rows[1:]] == ["", "20561", "97140", ""]
    assert rows[2][17] == "GP"
    assert rows[2][19] == "AB"
    assert AuditEntry.objects.filter(patient=invoice.patient, additional_data__shown_in="superbill CSV").exists()


def test_refusals_read_as_messages(front_desk_client, clinic_a, fees, front_desk, owner_client):
    from knotwork.patients.tests.factories import PatientFactory

    patient = PatientFactory(clinic=clinic_a)
    draft = services.draft_invoice(patient=patient, by=front_desk)
    empty = front_desk_client.post(reverse("billing:invoice_issue", args=[draft.public_id]), follow=True)
    assert "no lines cannot be issued" in _messages(empty)
    negative = front_desk_client.post(
        reverse("billing:line_add", args=[draft.public_id]),
        {"line-description": "Discount", "line-unit_price": "-5", "line-quantity": "1"},
        follow=True,
    )
    assert "cannot be negative" in _messages(negative)
    services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    issued = services.issue_invoice(invoice=draft, by=front_desk)
    services.void_invoice(invoice=issued, reason="Entered twice", by=front_desk)
    paid = front_desk_client.post(
        reverse("billing:payment_record", args=[issued.public_id]),
        {"pay-method": "cash", "pay-amount": "5"},
        follow=True,
    )
    assert "void and asks for nothing" in _messages(paid)
    fee = owner_client.post(
        reverse("billing:fees"), {"kind": "product", "name": "Gift", "price": "-1", "is_active": "on"}, follow=True
    )
    assert "cannot be negative" in fee.text
    assert not Payment.objects.exists()


def test_a_package_is_sold_on_the_account_and_shown_on_the_chart(front_desk_client, visit, fees):
    appointment, _session = visit
    patient = appointment.patient
    sold = front_desk_client.post(
        reverse("billing:package_sell", args=[patient.public_id]), {"sell-item": fees["package"].public_id}, follow=True
    )
    assert "Sold Course of 5" in _messages(sold)
    chart = front_desk_client.get(reverse("chart:patient", args=[patient.public_id]))
    assert "5 of 5 sessions left" in chart.text
    booking = front_desk_client.get(reverse("scheduling:book"), {"patient": patient.public_id})
    assert "5 of 5 sessions left" in booking.text  # the front desk sees it while booking the next visit


def test_practitioners_see_only_their_own_visits_invoices_and_no_reports(practitioner_client, visit, front_desk):
    appointment, _session = visit  # the owner's visit
    invoice = services.draft_invoice_from_visit(appointment=appointment, by=front_desk)
    assert practitioner_client.get(reverse("billing:invoice", args=[invoice.public_id])).status_code == 404
    assert practitioner_client.get(reverse("billing:reports")).status_code == 403
    assert practitioner_client.get(reverse("billing:fees")).status_code == 403


def test_the_owner_sees_the_months_revenue_and_exports_each_report(owner_client, visit, front_desk):
    appointment, _session = visit
    invoice = services.issue_invoice(
        invoice=services.draft_invoice_from_visit(appointment=appointment, by=front_desk), by=front_desk
    )
    services.record_payment(invoice=invoice, method="cash", amount=Decimal("100"), by=front_desk)
    page = owner_client.get(reverse("billing:reports"))
    assert page.status_code == 200
    assert 'id="month-revenue">170.00<' in page.text
    assert 'role="img"' in page.text  # the chart, with its figures in words
    for report in ("takings", "practitioners", "services", "months", "outstanding", "balances", "packages"):
        response = owner_client.get(reverse("billing:report_csv", args=[report]))
        assert response.status_code == 200, report
        assert response["Content-Type"].startswith("text/csv")
    outstanding = b"".join(owner_client.get(reverse("billing:report_csv", args=["outstanding"])).streaming_content)
    assert b"INV-00001,2026" in outstanding or b"INV-00001," in outstanding
    assert outstanding.rstrip().endswith(b",70.00")
    assert owner_client.get(reverse("billing:reports"), {"month": "not-a-month"}).status_code == 200


def test_every_billing_page_answers(owner_client, visit, front_desk, fees):
    appointment, _session = visit
    invoice = services.issue_invoice(
        invoice=services.draft_invoice_from_visit(appointment=appointment, by=front_desk), by=front_desk
    )
    payment = services.record_payment(invoice=invoice, method="cash", amount=Decimal("10"), by=front_desk)
    for url in (
        reverse("billing:home"),
        reverse("billing:invoice", args=[invoice.public_id]),
        reverse("billing:account", args=[invoice.patient.public_id]),
        reverse("billing:receipt", args=[payment.public_id]),
        reverse("billing:fees"),
        reverse("billing:fee_edit", args=[fees["roller"].public_id]),
        reverse("billing:settings"),
    ):
        assert owner_client.get(url).status_code == 200, url
