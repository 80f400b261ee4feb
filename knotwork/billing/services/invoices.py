"""Invoices: drafted (from a visit or by hand), edited while draft, issued with the clinic's next number, and
corrected only by a credit note or a void that keeps the original.

Numbering: each clinic has one counter row per series (invoices, credit notes, receipts), locked with
SELECT ... FOR UPDATE in the transaction that issues, so two people issuing at the same moment get consecutive
numbers, and a failed issue rolls the counter back with it: no number is skipped or given twice.
"""

import datetime
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.billing.models import (
    INVOICE_TRANSITIONS,
    FeeItem,
    FeeKind,
    Invoice,
    InvoiceCounter,
    InvoiceDiagnosis,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Package,
    Payer,
    money,
)
from knotwork.billing.selectors import billing_settings, due_of, fee_for, figures, visit_invoice
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.scheduling.models import Appointment
from knotwork.treatment.models import SessionStatus, TreatmentSession
from knotwork.treatment.services.codes import session_coding

POINTERS = "ABCDEFGHIJKL"  # a claim carries at most 12 diagnoses, pointed at by letter
PREFIX = {InvoiceKind.INVOICE: "INV", InvoiceKind.CREDIT_NOTE: "CN"}
DRAFT_ONLY = "This invoice is issued and never changes: correct it with a credit note, or void it."


def next_number(clinic, series: str) -> int:
    """Take the clinic's next number in a series, holding its counter row locked until the transaction ends."""
    # Make the row if it is missing (ON CONFLICT DO NOTHING: a concurrent first issue waits, then finds it).
    InvoiceCounter.objects.bulk_create([InvoiceCounter(clinic=clinic, kind=series)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(clinic=clinic, kind=series)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _draft(invoice: Invoice) -> Invoice:
    """The invoice locked for change, refused unless it is still a draft."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ClinicRuleError(DRAFT_ONLY)
    return invoice


def _new_invoice(*, patient, by: Actor, **fields) -> Invoice:
    invoice = Invoice(
        clinic_id=patient.clinic_id,
        patient=patient,
        currency=billing_settings(patient.clinic).currency,
        created_by=acting_staff(by),
        **fields,
    )
    invoice.full_clean()
    invoice.save()
    return invoice


@transaction.atomic
def draft_invoice(
    *,
    patient,
    by: Actor,
    payer: str = Payer.PATIENT,
    practitioner=None,
    service_date: datetime.date | None = None,
    notes: str = "",
) -> Invoice:
    """Start an empty draft (a product sold at the desk, a visit from before Knotwork)."""
    require(by, "draft_invoice", patient)
    if practitioner is not None and getattr(practitioner.membership, "clinic_id", None) != patient.clinic_id:
        raise ClinicRuleError("Choose a practitioner of this clinic.")
    return _new_invoice(
        patient=patient,
        by=by,
        payer=payer,
        practitioner=practitioner,
        service_date=service_date or timezone.localdate(timezone=patient.clinic.tzinfo),
        notes=notes.strip(),
    )


def _visit(appointment: Appointment | None, session: TreatmentSession | None):
    if appointment is None and session is None:
        raise ClinicRuleError("Choose the appointment or the session to invoice.")
    if appointment is not None and session is None and appointment.session_id is not None:
        session = appointment.session
    if session is not None and appointment is None:
        appointment = Appointment.objects.filter(session=session).first()
    if appointment is not None and session is not None and appointment.patient_id != session.patient_id:
        raise ClinicRuleError("The appointment and the session are of different patients.")
    if session is not None and session.status != SessionStatus.SIGNED:
        raise ClinicRuleError("Sign the session's note first: an invoice bills what the signed note records.")
    return appointment, session


def _diagnoses(session: TreatmentSession | None, patient) -> list:
    if session is not None and session.examination is not None:
        found = list(session.examination.diagnoses.all())
        if found:
            return found[: len(POINTERS)]
    latest = patient.examinations.order_by("-created_at").first()
    return list(latest.diagnoses.all())[: len(POINTERS)] if latest is not None else []


@transaction.atomic
def draft_invoice_from_visit(
    *,
    by: Actor,
    appointment: Appointment | None = None,
    session: TreatmentSession | None = None,
    payer: str = Payer.PATIENT,
) -> Invoice:
    """Draft the visit's invoice: the appointment type's fee, then the signed note's CPT lines (units, modifiers,
    diagnosis pointers), each priced from the fee schedule, with the coding warnings kept on the draft."""
    appointment, session = _visit(appointment, session)
    patient = (appointment or session).patient
    require(by, "draft_invoice", patient)
    existing = visit_invoice(appointment, session)
    if existing is not None:
        raise ClinicRuleError(f"This visit already has {existing}: open it instead of drafting another.")
    when = appointment.starts_at if appointment is not None else session.created_at
    invoice = _new_invoice(
        patient=patient,
        by=by,
        payer=payer,
        practitioner=(appointment or session).practitioner,
        appointment=appointment,
        session=session,
        service_date=timezone.localtime(when, patient.clinic.tzinfo).date(),
    )
    diagnoses = _diagnoses(session, patient)
    for letter, diagnosis in zip(POINTERS, diagnoses, strict=False):
        InvoiceDiagnosis.objects.create(
            clinic_id=invoice.clinic_id,
            invoice=invoice,
            pointer=letter,
            code=diagnosis.code,
            description=diagnosis.description,
        )
    pointers = ",".join(POINTERS[: min(len(diagnoses), 4)])
    warnings: list[str] = []
    position = 0
    if appointment is not None:
        fee = fee_for(patient.clinic, kind=FeeKind.APPOINTMENT, appointment_type=appointment.appointment_type)
        if fee is None:
            warnings.append(f"No fee for {appointment.appointment_type.name} in the fee schedule: add the visit.")
        else:
            _line(invoice, fee=fee, position=position)
            position += 1
    if session is not None:
        coding = session_coding(session, medicare=payer == Payer.MEDICARE)
        warnings += coding.warnings + coding.notes
        for suggested in coding.lines:
            fee = fee_for(patient.clinic, kind=FeeKind.SERVICE, code=suggested.code)
            if fee is None:
                warnings.append(f"No fee for {suggested.code} in the fee schedule: its price is 0 until you set it.")
            _line(
                invoice,
                fee=fee,
                position=position,
                code=suggested.code,
                description=(fee.name if fee else suggested.descriptor) or suggested.code,
                quantity=suggested.units,
                minutes=suggested.minutes or None,
                modifiers=",".join(suggested.modifiers[:4]),
                pointers=pointers,
            )
            position += 1
    invoice.coding_warnings = warnings
    invoice.save(update_fields=["coding_warnings", "updated_at"])
    return invoice


def _line(invoice: Invoice, *, fee: FeeItem | None, position: int, **fields) -> InvoiceLine:
    values = {
        "kind": fee.kind if fee else FeeKind.SERVICE,
        "description": fee.name if fee else "",
        "code": fee.code if fee else "",
        "unit_price": fee.price if fee else Decimal("0"),
        "tax_rate": fee.tax_rate if fee else billing_settings(invoice.patient.clinic).default_tax_rate,
    } | fields
    line = InvoiceLine(clinic_id=invoice.clinic_id, invoice=invoice, fee_item=fee, position=position, **values)
    if Decimal(line.unit_price) < 0:
        raise ValidationError({"unit_price": "A price cannot be negative: a refund or a credit note gives money back."})
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def add_invoice_line(
    *,
    invoice: Invoice,
    by: Actor,
    fee_item: FeeItem | None = None,
    description: str = "",
    code: str = "",
    quantity: int = 1,
    unit_price: Decimal | None = None,
    modifiers: str = "",
    pointers: str = "",
) -> InvoiceLine:
    """Add a line to a draft: from the fee schedule (its price unless another is given) or typed in."""
    require(by, "edit_invoice", invoice)
    invoice = _draft(invoice)
    if fee_item is not None and fee_item.clinic_id != invoice.clinic_id:
        raise ClinicRuleError("Choose an item of this clinic's fee schedule.")
    if fee_item is None and (not description.strip() or unit_price is None):
        raise ValidationError("A line needs a fee schedule item, or a description and a price.")
    position = invoice.lines.count()
    fields: dict = {"quantity": quantity, "modifiers": modifiers.strip().upper(), "pointers": pointers.strip().upper()}
    if description.strip():
        fields["description"] = description.strip()
    if code.strip():
        fields["code"] = code.strip().upper()
    if unit_price is not None:
        fields["unit_price"] = unit_price
    return _line(invoice, fee=fee_item, position=position, **fields)


class LineChanges(TypedDict, total=False):
    description: str
    code: str
    modifiers: str
    pointers: str
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal


@transaction.atomic
def update_invoice_line(*, line: InvoiceLine, by: Actor, **changes: Unpack[LineChanges]) -> InvoiceLine:
    """Change a line of a draft (units, modifiers, pointers, price)."""
    require(by, "edit_invoice", line.invoice)
    refuse_unknown("update_invoice_line", changes, LineChanges)
    _draft(line.invoice)
    line = InvoiceLine.objects.get(pk=line.pk)
    for field, value in changes.items():
        setattr(line, field, str(value).strip().upper() if field in {"code", "modifiers", "pointers"} else value)
    if Decimal(line.unit_price) < 0:
        raise ValidationError({"unit_price": "A price cannot be negative: a refund or a credit note gives money back."})
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def remove_invoice_line(*, line: InvoiceLine, by: Actor) -> None:
    require(by, "edit_invoice", line.invoice)
    _draft(line.invoice)
    line.delete()


class InvoiceChanges(TypedDict, total=False):
    payer: str
    notes: str
    service_date: datetime.date


@transaction.atomic
def update_invoice(*, invoice: Invoice, by: Actor, **changes: Unpack[InvoiceChanges]) -> Invoice:
    """Change a draft's payer, note or date of service."""
    require(by, "edit_invoice", invoice)
    refuse_unknown("update_invoice", changes, InvoiceChanges)
    invoice = _draft(invoice)
    for field, value in changes.items():
        setattr(invoice, field, value.strip() if isinstance(value, str) else value)
    invoice.full_clean()
    invoice.save()
    return invoice


def _totals(invoice: Invoice) -> tuple[Decimal, Decimal]:
    lines = list(invoice.lines.all())
    return sum((line.amount for line in lines), Decimal("0")), sum((line.tax_amount for line in lines), Decimal("0"))


def _issue(invoice: Invoice, by: Actor) -> Invoice:
    if not invoice.lines.exists():
        raise ClinicRuleError("An invoice with no lines cannot be issued: add what was provided first.")
    if InvoiceStatus.ISSUED not in INVOICE_TRANSITIONS[InvoiceStatus(invoice.status)]:
        raise ClinicRuleError(DRAFT_ONLY)
    subtotal, tax = _totals(invoice)
    sequence = next_number(invoice.clinic, invoice.kind)
    now = timezone.now()
    invoice.sequence = sequence
    invoice.number = f"{PREFIX[InvoiceKind(invoice.kind)]}-{sequence:05d}"
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = now
    invoice.issue_date = timezone.localtime(now, invoice.clinic.tzinfo).date()
    invoice.issued_by = acting_staff(by)
    invoice.subtotal, invoice.tax, invoice.total = money(subtotal), money(tax), money(subtotal + tax)
    invoice.full_clean()
    invoice.save()
    for line in invoice.lines.filter(kind=FeeKind.PACKAGE).select_related("fee_item"):
        item = line.fee_item
        if item is None:
            continue
        for _ in range(line.quantity):
            Package.objects.create(
                clinic_id=invoice.clinic_id,
                patient=invoice.patient,
                fee_item=item,
                invoice=invoice,
                name=line.description,
                sessions_total=item.sessions or 1,
                price=line.unit_price,
            )
    return invoice


@transaction.atomic
def issue_invoice(*, invoice: Invoice, by: Actor) -> Invoice:
    """Give the draft the clinic's next number and freeze it; a package line makes the patient's package."""
    require(by, "issue_invoice", invoice)
    invoice = Invoice.objects.select_for_update().select_related("clinic", "patient").get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ClinicRuleError("This invoice is already issued.")
    return _issue(invoice, by)


@transaction.atomic
def delete_draft(*, invoice: Invoice, by: Actor) -> None:
    """Throw away a draft (it has no number, so no gap is left)."""
    require(by, "edit_invoice", invoice)
    invoice = _draft(invoice)
    invoice.lines.all().delete()
    invoice.diagnoses.all().delete()
    invoice.delete()


@transaction.atomic
def void_invoice(*, invoice: Invoice, by: Actor, reason: str) -> Invoice:
    """Cancel an issued invoice nobody has paid; it keeps its number and lines and asks nothing."""
    require(by, "void_invoice", invoice)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.ISSUED:
        raise ClinicRuleError("Only an issued invoice can be voided." if invoice.is_draft else "It is already void.")
    if invoice.kind != InvoiceKind.INVOICE:
        raise ClinicRuleError("A credit note is not voided: issue the invoice again if it was a mistake.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invoice is void."})
    shown = figures(invoice)
    if shown.paid != 0 or shown.credited != 0:
        raise ClinicRuleError("This invoice has payments or credit notes: write a credit note instead of voiding it.")
    packages = Package.objects.select_for_update().filter(invoice=invoice)
    if any(p.sessions_used for p in packages):
        raise ClinicRuleError("A package sold on this invoice has been used: write a credit note instead.")
    packages.delete()
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = timezone.now()
    invoice.void_reason = reason.strip()
    invoice.save(update_fields=["status", "voided_at", "void_reason", "updated_at"])
    return invoice


@transaction.atomic
def credit_invoice(*, invoice: Invoice, by: Actor, reason: str, amount: Decimal | None = None) -> Invoice:
    """Issue a credit note against an issued invoice: in full (its lines again), or for an amount; the original
    is kept as it was."""
    require(by, "credit_invoice", invoice)
    invoice = Invoice.objects.select_for_update().select_related("clinic", "patient").get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED:
        raise ClinicRuleError("Only an issued invoice can be credited.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are crediting the invoice."})
    left = invoice.total - figures(invoice).credited
    if amount is not None and (amount <= 0 or amount > left):
        raise ValidationError({"amount": f"Credit between 0.01 and {left} (what the invoice still asks for)."})
    if left <= 0:
        raise ClinicRuleError("This invoice is already credited in full.")
    note = _new_invoice(
        patient=invoice.patient,
        by=by,
        kind=InvoiceKind.CREDIT_NOTE,
        credit_for=invoice,
        payer=invoice.payer,
        practitioner=invoice.practitioner,
        service_date=invoice.service_date,
        notes=reason.strip(),
    )
    if amount is None and left == invoice.total:
        for line in invoice.lines.all():
            line.pk = None
            line.invoice = note
            line.clinic_id = note.clinic_id
            line.kind = FeeKind.SERVICE if line.kind == FeeKind.PACKAGE else line.kind  # no new package
            line._state.adding = True
            line.public_id = InvoiceLine._meta.get_field("public_id").default()
            line.save()
    else:
        _line(
            note,
            fee=None,
            position=0,
            description=f"Credit on {invoice.number}: {reason.strip()}"[:200],
            unit_price=money(amount if amount is not None else left),
            tax_rate=Decimal("0"),
        )
    _issue(note, by)
    if due_of(invoice) + figures(invoice).paid <= 0:
        # Credited in full: the packages it sold close with the sessions already used.
        for package in Package.objects.select_for_update().filter(invoice=invoice):
            package.sessions_total = package.sessions_used
            package.save(update_fields=["sessions_total", "updated_at"])
    return note


@transaction.atomic
def sell_package(*, patient, item: FeeItem, by: Actor) -> Invoice:
    """Sell a prepaid package: an invoice with the package on it, issued at once; the package opens with it."""
    require(by, "sell_package", patient)
    if item.kind != FeeKind.PACKAGE or item.clinic_id != patient.clinic_id or not item.is_active:
        raise ClinicRuleError("Choose a package this clinic offers.")
    invoice = _new_invoice(
        patient=patient, by=by, service_date=timezone.localdate(timezone=patient.clinic.tzinfo), notes=item.name
    )
    _line(invoice, fee=item, position=0)
    invoice = Invoice.objects.select_related("clinic", "patient").get(pk=invoice.pk)
    return _issue(invoice, by)
