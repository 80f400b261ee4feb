"""The database refuses to change an issued invoice, its lines or a payment, even behind the services' back.

Tests build tables without migrations, so each test installs migration 0002's triggers itself (inside the test's
transaction, which rolls them back)."""

import importlib
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from knotwork.billing import services
from knotwork.billing.models import Invoice, InvoiceLine, Payment
from knotwork.billing.tests.factories import fee_schedule
from knotwork.patients.tests.factories import PatientFactory

GUARD = importlib.import_module("knotwork.billing.migrations.0002_issued_invoices_never_change")


@pytest.fixture
def guarded(db):
    with connection.cursor() as cursor:
        for sql in GUARD.statements(connection.vendor):
            cursor.execute(sql)


@pytest.fixture
def issued(guarded, clinic_a, owner, front_desk):
    fees = fee_schedule(clinic_a, owner)
    draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
    services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    return services.issue_invoice(invoice=draft, by=front_desk)


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError as error:
        return "never change" in str(error)
    return False


def test_an_issued_invoices_total_cannot_be_changed_in_the_database(issued):
    assert refused(lambda: Invoice.objects.filter(pk=issued.pk).update(total=Decimal("1.00")))
    assert refused(lambda: Invoice.objects.filter(pk=issued.pk).update(number="INV-99999"))
    assert refused(lambda: Invoice.objects.filter(pk=issued.pk).delete())
    assert Invoice.objects.get(pk=issued.pk).total == Decimal("27.50")  # 25.00 + 10 % tax, as issued


def test_its_lines_cannot_be_added_changed_or_removed(issued):
    line = issued.lines.get()
    assert refused(lambda: InvoiceLine.objects.filter(pk=line.pk).update(unit_price=Decimal("1")))
    assert refused(lambda: InvoiceLine.objects.filter(pk=line.pk).delete())
    assert refused(
        lambda: InvoiceLine.objects.create(
            clinic=issued.clinic, invoice=issued, kind="product", description="Extra", unit_price=Decimal("5")
        )
    )


def test_voiding_is_the_one_change_allowed_and_a_void_invoice_is_final(issued, front_desk):
    services.void_invoice(invoice=issued, reason="Entered twice", by=front_desk)
    assert refused(lambda: Invoice.objects.filter(pk=issued.pk).update(status="issued"))


def test_a_payment_cannot_be_changed_or_deleted(issued, front_desk):
    payment = services.record_payment(invoice=issued, method="cash", amount=Decimal("5"), by=front_desk)
    assert refused(lambda: Payment.objects.filter(pk=payment.pk).update(amount=Decimal("500")))
    assert refused(lambda: Payment.objects.filter(pk=payment.pk).delete())


def test_drafts_stay_editable(guarded, clinic_a, owner, front_desk):
    fees = fee_schedule(clinic_a, owner)
    draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
    line = services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    services.update_invoice_line(line=line, quantity=2, by=front_desk)
    services.delete_draft(invoice=draft, by=front_desk)
    assert not Invoice.objects.filter(pk=draft.pk).exists()
