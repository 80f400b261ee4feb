"""Payments and refunds, as recorded at the desk (through `knotwork.billing.providers`), and packages drawn down.

A payment settles what the invoice still asks; anything beyond is the patient's credit, which pays a later invoice
(method "credit") or is refunded. A package session settles the visit's lines of an invoice. Nothing recorded is
changed or deleted: a mistake is put right with a refund or another payment.
"""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.billing import providers
from knotwork.billing.models import (
    MONEY_IN,
    FeeKind,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Package,
    Payment,
    PaymentKind,
    PaymentMethod,
    money,
)
from knotwork.billing.selectors import billing_settings, figures, open_packages, patient_credit
from knotwork.billing.services.invoices import next_number
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require

VISIT_KINDS = (FeeKind.APPOINTMENT, FeeKind.SERVICE)


def _payable(invoice: Invoice) -> Invoice:
    invoice = Invoice.objects.select_for_update().select_related("clinic", "patient").get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.VOID:
        raise ClinicRuleError(f"{invoice.number} is void and asks for nothing: it cannot be paid.")
    if invoice.status == InvoiceStatus.DRAFT:
        raise ClinicRuleError("Issue the invoice before taking payment for it.")
    if invoice.kind != InvoiceKind.INVOICE:
        raise ClinicRuleError("A credit note is not paid: refund the patient instead.")
    return invoice


def _amount(value) -> Decimal:
    try:
        amount = money(value)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError({"amount": "Enter an amount, e.g. 40.00."}) from None
    if amount <= 0:
        raise ValidationError({"amount": "An amount is more than 0; a refund is recorded as a refund."})
    return amount


def _record(**fields) -> Payment:
    invoice_or_patient = fields.get("invoice") or fields["patient"]
    payment = Payment(
        clinic_id=invoice_or_patient.clinic_id,
        receipt_number=next_number(fields["patient"].clinic, "receipt"),
        **fields,
    )
    payment.full_clean()
    payment.save()
    if payment.invoice_id is not None:
        # What is due on the invoice changed: `updated_since` must find it (its issued figures stay as they are).
        Invoice.objects.filter(pk=payment.invoice_id).exclude(status=InvoiceStatus.VOID).update(
            updated_at=timezone.now()
        )
    return payment


@transaction.atomic
def record_payment(
    *,
    invoice: Invoice,
    by: Actor,
    method: str,
    amount: Decimal | None = None,
    received_on: datetime.date | None = None,
    reference: str = "",
    package: Package | None = None,
) -> Payment:
    """Record money (or a package session, or the patient's credit) toward an issued invoice.

    A part payment leaves the rest due; an overpayment settles the invoice and keeps the rest as credit. A package
    payment draws one session down and settles the invoice's visit lines.
    """
    require(by, "record_payment", invoice)
    invoice = _payable(invoice)
    patient = invoice.patient
    due = figures(invoice).due
    if due <= 0:
        raise ClinicRuleError(f"{invoice.number} is paid: nothing is due on it.")
    if method not in PaymentMethod.values:
        raise ValidationError({"method": "Choose how the patient paid."})
    if method == PaymentMethod.PACKAGE:
        package = Package.objects.select_for_update().get(
            pk=(package or open_packages(patient).first() or _no_package()).pk
        )
        if package.patient_id != patient.pk:
            raise ClinicRuleError("That package is another patient's.")
        if package.sessions_left <= 0:
            raise ClinicRuleError("This package has no sessions left.")
        visit = sum((line.gross for line in invoice.lines.all() if line.kind in VISIT_KINDS), Decimal("0"))
        if visit <= 0:
            raise ClinicRuleError("This invoice has no visit on it for a package session to pay.")
        amount = min(money(visit), due)
        package.sessions_used += 1
        package.save(update_fields=["sessions_used", "updated_at"])
    else:
        package = None
        amount = _amount(due if amount is None else amount)
    if method == PaymentMethod.CREDIT:
        credit = patient_credit(patient)
        if amount > min(credit, due):
            raise ClinicRuleError(f"The patient has {credit} {invoice.currency} of credit; use at most that.")
    public_id = uuid.uuid4()
    taken = providers.Taken(provider="manual", reference=reference.strip())
    if method in MONEY_IN:
        taken = providers.provider_for(method).take(
            amount=amount, currency=invoice.currency, payment_id=str(public_id), reference=reference.strip()
        )
    return _record(
        public_id=public_id,
        patient=patient,
        invoice=invoice,
        kind=PaymentKind.PAYMENT,
        method=method,
        amount=amount,
        applied=min(amount, due),
        currency=invoice.currency,
        package=package,
        received_on=received_on or timezone.localdate(timezone=patient.clinic.tzinfo),
        reference=taken.reference[:80],
        provider=taken.provider,
        recorded_by=staff_user(by),
    )


def _no_package():
    raise ClinicRuleError("This patient has no package with sessions left: sell one, or take another payment.")


@transaction.atomic
def refund_payment(
    *,
    patient,
    by: Actor,
    amount: Decimal,
    method: str,
    reason: str,
    invoice: Invoice | None = None,
    received_on: datetime.date | None = None,
    reference: str = "",
) -> Payment:
    """Give money back: the patient's credit, or what an invoice was paid beyond what a credit note left it asking."""
    require(by, "refund_payment", patient)
    amount = _amount(amount)
    if method not in MONEY_IN:
        raise ValidationError({"method": "Refund in cash, to the card, by transfer or to the insurer."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the money is given back."})
    currency = None
    if invoice is not None:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.patient_id != patient.pk:
            raise ClinicRuleError("That invoice is another patient's.")
        over = -figures(invoice).due
        if amount > over:
            raise ClinicRuleError(f"{invoice.number} was overpaid by {max(over, Decimal(0))}; refund at most that.")
        currency = invoice.currency
    else:
        # Lock the patient's payments so two refunds of the same credit cannot both pass.
        list(Payment.objects.select_for_update().filter(patient=patient).values_list("pk", flat=True))
        credit = patient_credit(patient)
        if amount > credit:
            raise ClinicRuleError(f"The patient has {credit} of credit; refund at most that.")
    currency = currency or billing_settings(patient.clinic).currency
    public_id = uuid.uuid4()
    taken = providers.provider_for(method).give_back(
        amount=amount, currency=currency, payment_id=str(public_id), reference=reference.strip()
    )
    return _record(
        public_id=public_id,
        patient=patient,
        invoice=invoice,
        kind=PaymentKind.REFUND,
        method=method,
        amount=amount,
        applied=Decimal("0"),
        currency=currency,
        received_on=received_on or timezone.localdate(timezone=patient.clinic.tzinfo),
        reference=taken.reference[:80],
        provider=taken.provider,
        reason=reason.strip(),
        recorded_by=staff_user(by),
    )
