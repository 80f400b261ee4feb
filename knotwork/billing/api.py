"""Billing endpoints: invoices and payments, read (a practitioner: their own visits') and a payment recorded.

Lists are cursor pages, oldest change first, with `updated_since`; every record shown is audited.
"""

from uuid import UUID

from ninja import Query, Router, Status
from ninja.pagination import paginate

from knotwork.audit.services import record_view
from knotwork.billing import selectors, services
from knotwork.billing.schemas import (
    InvoiceDetailOut,
    InvoiceFilter,
    InvoiceOut,
    PaymentFilter,
    PaymentIn,
    PaymentOut,
)
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient

router = Router(tags=["billing"])


@router.get(
    "/billing/invoices",
    response=list[InvoiceOut],
    operation_id="listInvoices",
    summary="Invoices and credit notes, oldest change first, in cursor pages",
)
@paginate(AuditedCursorPagination)
def list_invoices(request, filters: Query[InvoiceFilter]):
    patient = get_patient(request.auth, filters.patient) if filters.patient else None
    invoices = selectors.list_invoices(request.auth, patient=patient)
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    return invoices


@router.get(
    "/billing/invoices/{uuid:invoice_id}",
    response=InvoiceDetailOut,
    operation_id="getInvoice",
    summary="An invoice with its lines",
)
def get_invoice(request, invoice_id: UUID):
    invoice = selectors.get_invoice(request.auth, invoice_id)
    record_view(instance=invoice, by=request.auth, shown_in="API")
    return invoice


@router.get(
    "/billing/payments",
    response=list[PaymentOut],
    operation_id="listPayments",
    summary="Payments and refunds, oldest change first, in cursor pages",
)
@paginate(AuditedCursorPagination)
def list_payments(request, filters: Query[PaymentFilter]):
    patient = get_patient(request.auth, filters.patient) if filters.patient else None
    return selectors.list_payments(request.auth, patient=patient)


@router.get(
    "/billing/payments/{uuid:payment_id}", response=PaymentOut, operation_id="getPayment", summary="A payment or refund"
)
def get_payment(request, payment_id: UUID):
    payment = selectors.get_payment(request.auth, payment_id)
    record_view(instance=payment, by=request.auth, shown_in="API")
    return payment


@router.post(
    "/billing/invoices/{uuid:invoice_id}/payments",
    response={201: PaymentOut},
    operation_id="recordPayment",
    summary="Record a payment toward an issued invoice",
)
def record_payment(request, invoice_id: UUID, payload: PaymentIn):
    invoice = selectors.get_invoice(request.auth, invoice_id)
    payment = services.record_payment(
        invoice=invoice,
        method=payload.method,
        amount=payload.amount,
        received_on=payload.received_on,
        reference=payload.reference,
        by=request.auth,
    )
    return Status(201, payment)
