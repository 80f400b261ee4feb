"""Invoices from a visit, issue and numbering, corrections, payments, credit, refunds and packages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from knotwork.billing import selectors, services
from knotwork.billing.models import FeeKind, Invoice, InvoiceStatus, PaymentMethod
from knotwork.billing.tests.factories import fee_schedule, signed_visit
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import NotAllowed
from knotwork.patients.tests.factories import PatientFactory


@pytest.fixture
def fees(clinic_a, owner):
    return fee_schedule(clinic_a, owner)


@pytest.fixture
def visit(clinic_a, owner, fees):
    return signed_visit(clinic_a, owner, fees)


@pytest.fixture
def issued(visit, front_desk):
    appointment, _session = visit
    invoice = services.draft_invoice_from_visit(appointment=appointment, by=front_desk)
    return services.issue_invoice(invoice=invoice, by=front_desk)


def test_a_visit_drafts_its_invoice_with_the_fee_and_the_signed_notes_cpt_lines(visit, front_desk):
    appointment, session = visit
    invoice = services.draft_invoice_from_visit(appointment=appointment, by=front_desk)
    lines = [(line.code, line.quantity, line.modifiers, line.pointers, line.unit_price) for line in invoice.lines.all()]
    assert lines == [
        ("", 1, "", "", Decimal("40.00")),
        ("20561", 1, "GP", "A,B", Decimal("60.00")),
        ("97140", 2, "GP", "A,B", Decimal("35.00")),
    ]
    assert [(d.pointer, d.code) for d in invoice.diagnoses.all()] == [("A", "M79.18"), ("B", "M62.830")]
    assert invoice.session == session
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number == ""
    # Manual therapy on muscles that were needled: the NCCI pair is flagged for the biller.
    assert any("20561 with 97140" in w for w in invoice.coding_warnings)


def test_a_visit_is_invoiced_once(visit, front_desk):
    appointment, session = visit
    services.draft_invoice_from_visit(appointment=appointment, by=front_desk)
    with pytest.raises(ClinicRuleError, match="already has"):
        services.draft_invoice_from_visit(session=session, by=front_desk)


def test_a_medicare_visit_gets_gy_on_dry_needling_and_the_coverage_note(visit, front_desk):
    appointment, _session = visit
    invoice = services.draft_invoice_from_visit(appointment=appointment, by=front_desk, payer="medicare")
    assert invoice.lines.get(code="20561").modifiers == "GP,GY"
    assert any("NCD 30.3.3" in w for w in invoice.coding_warnings)


def test_issuing_numbers_in_order_and_freezes_the_totals(clinic_a, visit, fees, front_desk):
    appointment, _session = visit
    first = services.issue_invoice(
        invoice=services.draft_invoice_from_visit(appointment=appointment, by=front_desk), by=front_desk
    )
    assert first.number == "INV-00001"
    assert first.total == Decimal("170.00")  # 40 + 60 + 2 x 35
    desk = services.draft_invoice(patient=first.patient, by=front_desk)
    services.add_invoice_line(invoice=desk, fee_item=fees["roller"], by=front_desk)
    second = services.issue_invoice(invoice=desk, by=front_desk)
    assert second.number == "INV-00002"
    assert (second.subtotal, second.tax, second.total) == (Decimal("25.00"), Decimal("2.50"), Decimal("27.50"))


def test_issuing_an_empty_invoice_is_refused_and_takes_no_number(clinic_a, front_desk, fees):
    patient = PatientFactory(clinic=clinic_a)
    draft = services.draft_invoice(patient=patient, by=front_desk)
    with pytest.raises(ClinicRuleError, match="no lines cannot be issued"):
        services.issue_invoice(invoice=draft, by=front_desk)
    services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    assert services.issue_invoice(invoice=draft, by=front_desk).number == "INV-00001"


def test_an_issued_invoice_never_changes(issued, front_desk, fees):
    line = issued.lines.first()
    with pytest.raises(ClinicRuleError, match="never changes"):
        services.add_invoice_line(invoice=issued, fee_item=fees["roller"], by=front_desk)
    with pytest.raises(ClinicRuleError, match="never changes"):
        services.update_invoice_line(line=line, quantity=3, by=front_desk)
    with pytest.raises(ClinicRuleError, match="never changes"):
        services.remove_invoice_line(line=line, by=front_desk)
    with pytest.raises(ClinicRuleError, match="never changes"):
        services.update_invoice(invoice=issued, notes="changed", by=front_desk)
    with pytest.raises(ClinicRuleError, match="already issued"):
        services.issue_invoice(invoice=issued, by=front_desk)


def test_a_negative_price_is_refused_everywhere(clinic_a, owner, front_desk, fees):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.create_fee_item(clinic=clinic_a, kind=FeeKind.PRODUCT, name="Gift", price=Decimal("-5"), by=owner)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.update_fee_item(item=fees["roller"], price=Decimal("-0.01"), by=owner)
    draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.add_invoice_line(invoice=draft, description="Discount", unit_price=Decimal("-10"), by=front_desk)
    line = services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.update_invoice_line(line=line, unit_price=Decimal("-1"), by=front_desk)


def test_a_part_payment_then_the_rest_settles_the_invoice(issued, front_desk):
    first = services.record_payment(invoice=issued, method="cash", amount=Decimal("70"), by=front_desk)
    assert selectors.figures(issued).due == Decimal("100.00")
    assert selectors.patient_account(issued.patient).balance == Decimal("100.00")
    second = services.record_payment(invoice=issued, method="card", by=front_desk, reference="slip 448")
    assert second.amount == Decimal("100.00")  # the rest, when no amount is given
    assert (first.receipt_number, second.receipt_number) == (1, 2)
    assert selectors.figures(issued).due == 0
    with pytest.raises(ClinicRuleError, match="nothing is due"):
        services.record_payment(invoice=issued, method="cash", amount=Decimal("1"), by=front_desk)


def test_an_overpayment_becomes_credit_that_pays_the_next_invoice_or_is_refunded(issued, fees, front_desk):
    services.record_payment(invoice=issued, method="cash", amount=Decimal("200"), by=front_desk)
    account = selectors.patient_account(issued.patient)
    assert (account.due, account.credit, account.balance) == (0, Decimal("30.00"), Decimal("-30.00"))
    draft = services.draft_invoice(patient=issued.patient, by=front_desk)
    services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    roller = services.issue_invoice(invoice=draft, by=front_desk)
    with pytest.raises(ClinicRuleError, match="credit"):
        services.record_payment(invoice=roller, method="credit", amount=Decimal("28"), by=front_desk)
    services.record_payment(invoice=roller, method="credit", amount=Decimal("20"), by=front_desk)
    assert selectors.patient_credit(issued.patient) == Decimal("10.00")
    with pytest.raises(ClinicRuleError, match="at most"):
        services.refund_payment(patient=issued.patient, amount=Decimal("11"), method="cash", reason="x", by=front_desk)
    services.refund_payment(patient=issued.patient, amount=Decimal("10"), method="cash", reason="left", by=front_desk)
    assert selectors.patient_account(issued.patient).balance == Decimal("7.50")


def test_paying_a_void_invoice_is_refused(issued, front_desk):
    services.void_invoice(invoice=issued, reason="Wrong patient", by=front_desk)
    kept = Invoice.objects.get(pk=issued.pk)
    assert (kept.status, kept.number, kept.lines.count()) == ("void", "INV-00001", 3)
    with pytest.raises(ClinicRuleError, match="void and asks for nothing"):
        services.record_payment(invoice=issued, method="cash", amount=Decimal("10"), by=front_desk)
    assert selectors.patient_account(issued.patient).due == 0


def test_paying_a_draft_is_refused(clinic_a, fees, front_desk):
    draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
    services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    with pytest.raises(ClinicRuleError, match="Issue the invoice"):
        services.record_payment(invoice=draft, method="cash", amount=Decimal("10"), by=front_desk)


def test_a_paid_invoice_is_not_voided_but_credited_and_the_overpayment_refunded(issued, front_desk):
    services.record_payment(invoice=issued, method="card", by=front_desk)
    with pytest.raises(ClinicRuleError, match="credit note instead"):
        services.void_invoice(invoice=issued, reason="Changed mind", by=front_desk)
    note = services.credit_invoice(invoice=issued, amount=Decimal("35"), reason="One unit too many", by=front_desk)
    assert (note.number, note.total, note.credit_for) == ("CN-00001", Decimal("35.00"), issued)
    assert Invoice.objects.get(pk=issued.pk).total == Decimal("170.00")  # the original is kept as issued
    assert selectors.figures(issued).due == Decimal("-35.00")
    services.refund_payment(
        patient=issued.patient, invoice=issued, amount=Decimal("35"), method="card", reason="credit", by=front_desk
    )
    assert selectors.figures(issued).due == 0
    assert selectors.patient_account(issued.patient).balance == 0


def test_a_credit_note_cannot_exceed_what_is_left(issued, front_desk):
    services.credit_invoice(invoice=issued, reason="All wrong", by=front_desk)
    with pytest.raises(ClinicRuleError, match="credited in full"):
        services.credit_invoice(invoice=issued, reason="again", by=front_desk)


def test_a_package_is_sold_and_drawn_down_by_visits(clinic_a, owner, fees, front_desk):
    appointment, _session = signed_visit(clinic_a, owner, fees)
    patient = appointment.patient
    sale = services.sell_package(patient=patient, item=fees["package"], by=front_desk)
    assert sale.total == Decimal("300.00")
    services.record_payment(invoice=sale, method="transfer", by=front_desk)
    (package,) = selectors.open_packages(patient)
    assert package.sessions_left == 5
    visit_invoice = services.issue_invoice(
        invoice=services.draft_invoice_from_visit(appointment=appointment, by=front_desk), by=front_desk
    )
    paid = services.record_payment(invoice=visit_invoice, method="package", by=front_desk)
    assert (paid.package, paid.amount) == (package, Decimal("170.00"))
    package.refresh_from_db()
    assert package.sessions_left == 4
    assert selectors.patient_account(patient).balance == 0


def test_a_package_with_no_sessions_left_is_refused(clinic_a, owner, fees, front_desk):
    appointment, _session = signed_visit(clinic_a, owner, fees)
    visit_invoice = services.issue_invoice(
        invoice=services.draft_invoice_from_visit(appointment=appointment, by=front_desk), by=front_desk
    )
    with pytest.raises(ClinicRuleError, match="no package with sessions left"):
        services.record_payment(invoice=visit_invoice, method="package", by=front_desk)


def test_an_unsigned_session_is_not_invoiced(clinic_a, owner, fees, front_desk):
    from knotwork.treatment import services as treatment
    from knotwork.treatment.tests.test_session import screened

    patient = screened(clinic_a, owner)
    session = treatment.start_session(patient=patient, by=owner, pain_before=5)
    with pytest.raises(ClinicRuleError, match="Sign the session's note first"):
        services.draft_invoice_from_visit(session=session, by=front_desk)


def test_practitioners_do_not_handle_money_but_see_their_own_invoices(issued, practitioner, owner, front_desk):
    with pytest.raises(NotAllowed, match="front desk or the owner"):
        services.record_payment(invoice=issued, method="cash", amount=Decimal("1"), by=practitioner)
    assert list(selectors.list_invoices(practitioner)) == []  # the visit was the owner's
    assert list(selectors.list_invoices(owner)) == [issued]
    assert list(selectors.list_invoices(front_desk)) == [issued]


def test_an_npi_with_a_wrong_check_digit_is_refused(clinic_a, owner):
    with pytest.raises(ValidationError, match="check digit"):
        services.update_billing_settings(clinic=clinic_a, npi="1234567890", by=owner)
    assert services.update_billing_settings(clinic=clinic_a, npi="1234567893", by=owner).npi == "1234567893"


def test_payment_methods_are_the_documented_ones():
    assert set(PaymentMethod.values) == {"cash", "card", "transfer", "insurer", "package", "credit"}
