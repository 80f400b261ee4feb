"""Billing endpoints: invoices and payments, read (a practitioner: their own visits') and a payment recorded."""

from uuid import UUID

from ninja import Query, Router, Status

from knotwork.audit.services import record_view, record_views
from knotwork.billing import selectors, services
from knotwork.billing.schemas import InvoiceDetailOut, InvoiceFilter, InvoiceOut, PaymentIn, PaymentOut
from knotwork.patients.selectors import get_patient

router = Router(tags=["billing"])
LIMIT = 200


@router.get("/billing/invoices", response=list[InvoiceOut], summary="Invoices and credit notes, newest first")
def list_invoices(request, filters: Query[InvoiceFilter]):
    patient = get_patient(request.auth, filters.patient) if filters.patient else None
    invoices = selectors.list_invoices(request.auth, patient=patient).order_by("-created_at")
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    found = list(invoices[:LIMIT])
    record_views(instances=found, by=request.auth, shown_in="API")
    return found


@router.get("/billing/invoices/{uuid:invoice_id}", response=InvoiceDetailOut, summary="An invoice with its lines")
def get_invoice(request, invoice_id: UUID):
    invoice = selectors.get_invoice(request.auth, invoice_id)
    record_view(instance=invoice, by=request.auth, shown_in="API")
    return invoice


@router.get("/billing/payments", response=list[PaymentOut], summary="Payments and refunds, newest first")
def list_payments(request, patient: UUID | None = None):
    found_patient = get_patient(request.auth, patient) if patient else None
    found = list(selectors.list_payments(request.auth, patient=found_patient)[:LIMIT])
    record_views(instances=found, by=request.auth, shown_in="API")
    return found


@router.get("/billing/payments/{uuid:payment_id}", response=PaymentOut, summary="A payment or refund")
def get_payment(request, payment_id: UUID):
    payment = selectors.get_payment(request.auth, payment_id)
    record_view(instance=payment, by=request.auth, shown_in="API")
    return payment


@router.post(
    "/billing/invoices/{uuid:invoice_id}/payments",
    response={201: PaymentOut},
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
