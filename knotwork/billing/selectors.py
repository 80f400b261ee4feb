"""Reads of billing records, scoped to the acting user's clinic (a practitioner: the invoices of their own visits).

The money a record asks and has had is derived, never stored twice: an invoice's `credited` (issued credit notes),
`paid` (payments applied, less refunds against it) and `due`; a patient's credit (overpayments not yet used or
refunded) and balance.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from knotwork.billing.models import (
    BillingSettings,
    FeeItem,
    FeeKind,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Package,
    Payment,
    PaymentKind,
    PaymentMethod,
    PractitionerBilling,
    money,
)
from knotwork.clinics.models import Role
from knotwork.core.policy import active_membership
from knotwork.core.queries import row_expressions
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.treatment.models import SessionStatus, TreatmentSession

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=12, decimal_places=2)


def _sum(queryset: QuerySet, group: str, expression) -> Coalesce:
    """A correlated SUM as a subquery (two sums over joins would multiply each other)."""
    summed = queryset.order_by().values(group).annotate(s=Sum(expression)).values("s")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _figure_sums() -> dict[str, Any]:
    return {
        "credited": _sum(
            Invoice.objects.filter(
                credit_for=OuterRef("pk"), status=InvoiceStatus.ISSUED, kind=InvoiceKind.CREDIT_NOTE
            ),
            "credit_for",
            "total",
        ),
        "applied": _sum(Payment.objects.filter(invoice=OuterRef("pk"), kind=PaymentKind.PAYMENT), "invoice", "applied"),
        "refunded": _sum(Payment.objects.filter(invoice=OuterRef("pk"), kind=PaymentKind.REFUND), "invoice", "amount"),
    }


def with_figures(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `credited`, `paid` and `due` on each invoice, in the same query (of invoices, not as a subquery of
    another: the three sums are compiled once per process, and every list of invoices and the chart read them)."""
    sums = row_expressions(Invoice, "invoice figures", _figure_sums)
    return invoices.annotate(
        credited=sums["credited"], paid=ExpressionWrapper(sums["applied"] - sums["refunded"], output_field=_MONEY)
    ).annotate(due=ExpressionWrapper(F("total") - F("credited") - F("paid"), output_field=_MONEY))


def figures(invoice: Invoice) -> Any:
    """The invoice again with its figures (after a payment, a credit note): with `credited`, `paid` and `due`."""
    found: Any = with_figures(Invoice.objects.filter(pk=invoice.pk)).select_related("patient", "clinic").get()
    # SQLite hands computed sums back unrounded (120 for 120.00): round them as the stored amounts are.
    found.credited, found.paid, found.due = money(found.credited), money(found.paid), money(found.due)
    return found


def due_of(invoice: Invoice) -> Decimal:
    """What an issued invoice still asks (negative when a credit note left it overpaid); nothing for any other."""
    if invoice.status != InvoiceStatus.ISSUED or invoice.kind != InvoiceKind.INVOICE:
        return ZERO
    return figures(invoice).due


# --- staff reads (acting user first) ----------------------------------------------------------


def list_invoices(user, *, patient=None) -> QuerySet[Invoice]:
    """Invoices and credit notes the user may see: a practitioner's own visits; every one for the front desk and
    the owner."""
    invoices = Invoice.objects.for_user(user).select_related("patient", "practitioner", "credit_for")
    membership = active_membership(user)
    if membership is not None and membership.role == Role.PRACTITIONER:
        invoices = invoices.filter(practitioner=user)
    if patient is not None:
        invoices = invoices.filter(patient=patient)
    return with_figures(invoices)


def get_invoice(user, public_id) -> Invoice:
    return get_object_or_404(list_invoices(user), public_id=public_id)


def list_payments(user, *, patient=None) -> QuerySet[Payment]:
    payments = Payment.objects.for_user(user).select_related("patient", "invoice", "package", "recorded_by")
    membership = active_membership(user)
    if membership is not None and membership.role == Role.PRACTITIONER:
        payments = payments.filter(invoice__practitioner=user)
    if patient is not None:
        payments = payments.filter(patient=patient)
    return payments


def get_payment(user, public_id) -> Payment:
    return get_object_or_404(list_payments(user), public_id=public_id)


def list_fee_items(user, *, active_only: bool = False, kind: str | None = None) -> QuerySet[FeeItem]:
    items = FeeItem.objects.for_user(user).select_related("appointment_type")
    if active_only:
        items = items.filter(is_active=True)
    if kind is not None:
        items = items.filter(kind=kind)
    return items


def get_fee_item(user, public_id) -> FeeItem:
    return get_object_or_404(list_fee_items(user), public_id=public_id)


def list_packages(user, *, patient=None) -> QuerySet[Package]:
    packages = Package.objects.for_user(user).select_related("patient", "invoice")
    if patient is not None:
        packages = packages.filter(patient=patient)
    return packages


# --- clinic and patient figures ------------------------------------------------------------


def billing_settings(clinic) -> BillingSettings:
    """The clinic's billing settings; defaults (unsaved) until the owner saves them."""
    found = BillingSettings.objects.filter(clinic=clinic).first()
    return found or BillingSettings(clinic=clinic)


def practitioner_billing(practitioner) -> PractitionerBilling:
    found = PractitionerBilling.objects.filter(practitioner=practitioner).first()
    membership = getattr(practitioner, "membership", None)
    clinic_id: Any = getattr(membership, "clinic_id", None)
    return found or PractitionerBilling(practitioner=practitioner, clinic_id=clinic_id)


def practitioner_identifiers(clinic) -> dict[int, PractitionerBilling]:
    """Each practitioner's billing identifiers, by user id."""
    return {p.practitioner_id: p for p in PractitionerBilling.objects.filter(clinic=clinic)}


def open_packages(patient) -> QuerySet[Package]:
    """The patient's packages with sessions left, oldest first (the one a visit draws down first)."""
    return Package.objects.filter(patient=patient, sessions_used__lt=F("sessions_total")).order_by("created_at")


@dataclass(frozen=True)
class Account:
    """A patient's money at a glance: what issued invoices still ask, unused credit, and the balance."""

    due: Decimal
    credit: Decimal
    currency: str

    @property
    def balance(self) -> Decimal:
        """Positive: the patient owes it; negative: the clinic holds it as credit."""
        return self.due - self.credit


def patient_credit(patient) -> Decimal:
    """Overpayments not yet used on another invoice or refunded."""
    payments = Payment.objects.filter(patient=patient)
    over = (
        payments.filter(kind=PaymentKind.PAYMENT)
        .exclude(method=PaymentMethod.CREDIT)
        .aggregate(s=Sum(F("amount") - F("applied")))["s"]
    )
    used = payments.filter(kind=PaymentKind.PAYMENT, method=PaymentMethod.CREDIT).aggregate(s=Sum("amount"))["s"]
    refunded = payments.filter(kind=PaymentKind.REFUND, invoice=None).aggregate(s=Sum("amount"))["s"]
    return (over or ZERO) - (used or ZERO) - (refunded or ZERO)


def patient_account(patient) -> Account:
    issued = with_figures(
        Invoice.objects.filter(patient=patient, kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED)
    )
    due = issued.aggregate(s=Sum("due"))["s"] if issued.exists() else ZERO
    settings = billing_settings(patient.clinic)
    return Account(due=money(due or ZERO), credit=money(patient_credit(patient)), currency=settings.currency)


def visit_invoice(appointment=None, session=None) -> Invoice | None:
    """The live (draft or issued) invoice already made for a visit, if any."""
    match = Q()
    if appointment is not None:
        match |= Q(appointment=appointment)
    if session is not None:
        match |= Q(session=session)
    if not match:
        return None
    return (
        Invoice.objects.filter(match, kind=InvoiceKind.INVOICE)
        .exclude(status=InvoiceStatus.VOID)
        .order_by("created_at")
        .first()
    )


def fee_for(clinic, *, kind: str, code: str = "", appointment_type=None) -> FeeItem | None:
    items = FeeItem.objects.filter(clinic=clinic, kind=kind, is_active=True)
    if kind == FeeKind.APPOINTMENT:
        return items.filter(appointment_type=appointment_type).first()
    return items.filter(code=code).first()


def visits_to_invoice(patient, limit: int = 5) -> list[dict]:
    """The patient's latest signed sessions and attended appointments that have no live invoice yet."""
    invoiced = Invoice.objects.filter(patient=patient, kind=InvoiceKind.INVOICE).exclude(status=InvoiceStatus.VOID)
    sessions = list(
        TreatmentSession.objects.filter(patient=patient, status=SessionStatus.SIGNED)
        .exclude(pk__in=invoiced.filter(session__isnull=False).values("session"))
        .order_by("-created_at")[:limit]
    )
    appointments = {
        a.session_id: a
        for a in Appointment.objects.filter(patient=patient, session__in=sessions).select_related("appointment_type")
    }
    visits: list[dict[str, Any]] = [
        {
            "session": s,
            "appointment": appointments.get(s.pk),
            "day": s.created_at,
            "label": f"Signed session of {s.created_at:%b %-d}",
        }
        for s in sessions
    ]
    attended = (
        Appointment.objects.filter(patient=patient, status=AppointmentStatus.ATTENDED, session=None)
        .exclude(pk__in=invoiced.filter(appointment__isnull=False).values("appointment"))
        .select_related("appointment_type")
        .order_by("-starts_at")[:limit]
    )
    visits += [
        {"session": None, "appointment": a, "day": a.starts_at, "label": f"{a.appointment_type.name} (attended)"}
        for a in attended
    ]
    return sorted(visits, key=lambda v: v["day"], reverse=True)[:limit]
