import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from knotwork.billing.models import InvoiceKind, InvoiceStatus, Payer, PaymentKind, PaymentMethod
from knotwork.core.validators import Line


class InvoiceLineOut(Schema):
    id: UUID = Field(..., alias="public_id")
    description: str
    code: str
    modifiers: list[str]
    diagnosis_pointers: list[str]
    units: int
    unit_price: Decimal
    tax_rate: Decimal
    amount: Decimal

    @staticmethod
    def resolve_modifiers(obj) -> list[str]:
        return [m for m in obj.modifiers.split(",") if m]

    @staticmethod
    def resolve_diagnosis_pointers(obj) -> list[str]:
        return [p for p in obj.pointers.split(",") if p]

    @staticmethod
    def resolve_units(obj) -> int:
        return obj.quantity


class InvoiceDiagnosisOut(Schema):
    pointer: str
    code: str
    description: str


class InvoiceOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: str = Field(..., description="empty while a draft")
    kind: InvoiceKind
    status: InvoiceStatus
    patient: UUID
    chart_number: str
    payer: Payer
    currency: str
    service_date: datetime.date
    issue_date: datetime.date | None
    credit_for: UUID | None
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    credited: Decimal
    paid: Decimal
    due: Decimal = Field(..., description="what the invoice still asks; negative when overpaid after a credit note")

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_chart_number(obj) -> str:
        return obj.patient.chart_number

    @staticmethod
    def resolve_credit_for(obj) -> UUID | None:
        return obj.credit_for.public_id if obj.credit_for_id else None

    @staticmethod
    def resolve_credited(obj) -> Decimal:
        return Decimal(obj.credited).quantize(Decimal("0.01"))

    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return Decimal(obj.paid).quantize(Decimal("0.01"))

    @staticmethod
    def resolve_due(obj) -> Decimal:
        return Decimal(obj.due).quantize(Decimal("0.01"))


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    diagnoses: list[InvoiceDiagnosisOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_diagnoses(obj) -> list:
        return list(obj.diagnoses.all())


class PaymentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    receipt_number: int
    kind: PaymentKind
    method: PaymentMethod
    patient: UUID
    invoice: UUID | None
    amount: Decimal
    applied: Decimal = Field(..., description="the part that settled the invoice; the rest is the patient's credit")
    currency: str
    received_on: datetime.date
    reference: str
    provider: str

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_invoice(obj) -> UUID | None:
        return obj.invoice.public_id if obj.invoice_id else None


class PaymentIn(Schema):
    method: PaymentMethod
    amount: Decimal | None = Field(
        None, gt=0, max_digits=12, decimal_places=2, description="everything due if left out"
    )
    received_on: datetime.date | None = None
    reference: Line = Field("", max_length=80)


class InvoiceFilter(Schema):
    patient: UUID | None = Field(None, description="one patient's invoices")
    status: InvoiceStatus | None = None


class PaymentFilter(Schema):
    patient: UUID | None = Field(None, description="one patient's payments")
