"""The front office's money: billing settings, the fee schedule, packages, invoices and their lines, payments.

Amounts are `Decimal` with two places, never floats, never negative on a price (a credit note is its own document
with positive amounts that reduce what the original asks). An issued invoice never changes: the services refuse,
and the database refuses too (triggers in migration 0002 on SQLite and PostgreSQL); a mistake is corrected by a
credit note or a void, and the original is kept.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped
from knotwork.core.validators import validate_line

CENT = Decimal("0.01")
MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


def money(value) -> Decimal:
    """Round to cents, half up (as a till does)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def validate_npi(value: str) -> None:
    """A US National Provider Identifier: 10 digits whose last is the Luhn check digit over "80840" + the first 9."""
    if not value:
        return
    if len(value) != 10 or not value.isdigit():
        raise ValidationError("An NPI is 10 digits.")
    digits = [int(d) for d in "80840" + value[:9]]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if i % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    if (10 - total % 10) % 10 != int(value[9]):
        raise ValidationError("This NPI's check digit is wrong: check the number on the NPPES registry.")


validate_taxonomy = RegexValidator(
    r"^$|^[0-9]{3}[0-9A-Z]{6}X$", "A provider taxonomy code is 10 characters ending in X, e.g. 225100000X."
)
validate_currency = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code, e.g. USD, EUR, GBP.")
validate_cpt = RegexValidator(r"^$|^[0-9]{4}[0-9A-Z]$|^[A-Z][0-9]{4}$", "A CPT or HCPCS code is 5 characters.")
validate_modifiers = RegexValidator(
    r"^$|^[0-9A-Z]{2}(,[0-9A-Z]{2}){0,3}$", "Up to four two-character modifiers, separated by commas (GP,59)."
)
validate_pointers = RegexValidator(
    r"^$|^[A-L](,[A-L]){0,3}$", "Up to four diagnosis pointers A-L, separated by commas (A,B)."
)


class BillingSettings(ClinicScoped):
    """The clinic's money settings: currency, default tax, and the identifiers a superbill carries."""

    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    default_tax_rate = models.DecimalField(
        "default tax rate (%)", default=Decimal("0"), help_text="Applied to new fee items; 0 for none.", **RATE
    )
    npi = models.CharField(
        "clinic NPI (type 2)", max_length=10, blank=True, validators=[validate_npi], help_text="US superbills only."
    )
    taxonomy = models.CharField(
        "clinic taxonomy code", max_length=10, blank=True, validators=[validate_taxonomy], help_text="e.g. 225100000X"
    )
    tax_id = models.CharField(
        "tax ID (EIN)", max_length=20, blank=True, validators=[validate_line], help_text="Printed on superbills."
    )
    invoice_footer = models.CharField(
        max_length=300, blank=True, validators=[validate_line], help_text="Payment details printed on invoices."
    )

    class Meta(ClinicScoped.Meta):
        verbose_name_plural = "billing settings"
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", name="billing_settings_one_per_clinic"),
        ]

    def __str__(self) -> str:
        return f"Billing settings ({self.currency})"


class PractitionerBilling(ClinicScoped):
    """A practitioner's identifiers for superbills (the rendering provider)."""

    practitioner = ClinicOneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    npi = models.CharField("NPI (type 1)", max_length=10, blank=True, validators=[validate_npi])
    taxonomy = models.CharField("taxonomy code", max_length=10, blank=True, validators=[validate_taxonomy])
    credentials = models.CharField(max_length=40, blank=True, validators=[validate_line], help_text="e.g. PT, DPT")

    class Meta(ClinicScoped.Meta):
        constraints = [
            *ClinicScoped.Meta.constraints,
            # One row per practitioner: a user belongs to one clinic, so this is the practitioner alone.
            models.UniqueConstraint(fields=["clinic", "practitioner"], name="billing_practitionerbilling_once"),
        ]

    def __str__(self) -> str:
        return f"Billing identifiers of {self.practitioner}"


class FeeKind(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment type"  # the visit itself, by its appointment type
    SERVICE = "service", "Coded service"  # a CPT/HCPCS-coded service, billed in units
    PRODUCT = "product", "Product"  # goods sold: a TENS unit, a foam roller
    PACKAGE = "package", "Package"  # a prepaid course of sessions that visits draw down


class FeeItem(ClinicScoped):
    """One line of the clinic's fee schedule."""

    kind = models.CharField(max_length=12, choices=FeeKind.choices)
    name = models.CharField(max_length=120, validators=[validate_line])
    code = models.CharField(
        "CPT/HCPCS code", max_length=5, blank=True, validators=[validate_cpt], help_text="Coded services only."
    )
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(0)], help_text="Per unit, before tax.")
    tax_rate = models.DecimalField("tax rate (%)", default=Decimal("0"), **RATE)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    sessions = models.PositiveSmallIntegerField(
        "sessions in the package",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Packages only: how many visits it prepays.",
    )
    is_active = models.BooleanField("offered", default=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["kind", "name"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic", "name", name="fee_item_name_unique", violation_error_message="The fee schedule has this name."
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="fee_item_price_not_negative",
                violation_error_message="A price cannot be negative: a refund or a credit note gives money back.",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100),
                name="fee_item_tax_rate_range",
                violation_error_message="A tax rate is 0 to 100 %.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="package") | Q(sessions__gte=1),
                name="fee_item_package_has_sessions",
                violation_error_message="A package needs its number of sessions.",
            ),
            ClinicForeignKey(field="appointment_type", name="billing_feeitem_appointment_type_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.price} {self.currency})"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"  # reduces what an issued invoice asks; itself issued and numbered


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # being written; lines may change; no number yet
    ISSUED = "issued", "Issued"  # numbered and final: never changed, only credited or voided
    VOID = "void", "Void"  # cancelled after issue (nothing paid); kept with its number, asks nothing


# Which status may follow which; `knotwork.billing.services.invoices` enforces it, the database guards it.
INVOICE_TRANSITIONS = {
    InvoiceStatus.DRAFT: {InvoiceStatus.ISSUED},
    InvoiceStatus.ISSUED: {InvoiceStatus.VOID},
    InvoiceStatus.VOID: set(),
}


class Payer(models.TextChoices):
    PATIENT = "patient", "Patient (self-pay)"
    INSURER = "insurer", "Insurer"
    MEDICARE = "medicare", "Medicare"


class Invoice(ClinicScoped):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField(max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    number = models.CharField(max_length=20, blank=True, help_text="Given when issued, in order, without gaps.")
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    payer = models.CharField(max_length=10, choices=Payer.choices, default=Payer.PATIENT)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    session = models.ForeignKey(
        "treatment.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    credit_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes", db_constraint=False
    )
    service_date = models.DateField(help_text="The date of service (the visit), printed on the superbill.")
    issue_date = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.CharField(max_length=300, blank=True, validators=[validate_line])
    coding_warnings = models.JSONField(default=list, blank=True, help_text="NCCI warnings and payer notes")
    # Written once, when issued (the lines cannot change after that).
    subtotal = models.DecimalField(**MONEY, default=Decimal("0"))
    tax = models.DecimalField(**MONEY, default=Decimal("0"))
    total = models.DecimalField(**MONEY, default=Decimal("0"))
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True, validators=[validate_line])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic", "kind", "sequence", condition=Q(sequence__isnull=False), name="invoice_number_once"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", sequence__isnull=True) | (~Q(status="draft") & Q(sequence__isnull=False)),
                name="invoice_numbered_when_issued",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credit_for__isnull=True) | Q(kind="credit_note", credit_for__isnull=False),
                name="credit_note_names_its_invoice",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
            ClinicForeignKey(field="patient", name="billing_invoice_patient_clinic_fk"),
            ClinicForeignKey(field="appointment", name="billing_invoice_appointment_clinic_fk"),
            ClinicForeignKey(field="session", name="billing_invoice_session_clinic_fk"),
            ClinicForeignKey(field="credit_for", name="billing_invoice_credit_for_clinic_fk"),
        ]
        indexes = [
            models.Index(fields=["clinic", "issue_date"], name="invoice_clinic_issued_idx"),
            # The API's list pages by (updated_at, id) within the clinic (knotwork.core.pagination.rows_after).
            models.Index(fields=["clinic", "updated_at", "id"], name="invoice_sync_idx"),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.number}" if self.number else f"Draft {label.lower()} for {self.patient.chart_number}"

    def get_absolute_url(self) -> str:
        return reverse("billing:invoice", args=[self.public_id])

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def diagnosis_letters(self) -> list[tuple[str, str]]:
        return [(d.pointer, d.code) for d in self.diagnoses.all()]


class InvoiceDiagnosis(ClinicScoped):
    """An ICD-10-CM code on the invoice, in the order the lines point at it (A, B, C ... L)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="diagnoses", db_constraint=False)
    pointer = models.CharField(max_length=1)
    code = models.CharField(max_length=10, validators=[validate_line])
    description = models.CharField(max_length=200, blank=True, validators=[validate_line])

    class Meta(ClinicScoped.Meta):
        ordering = ["pointer"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "invoice", "pointer", name="invoice_diagnosis_pointer_once"),
            ClinicForeignKey(field="invoice", name="billing_invoicediagnosis_invoice_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.pointer}: {self.code}"


class InvoiceLine(ClinicScoped):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", db_constraint=False)
    position = models.PositiveSmallIntegerField(default=0)
    fee_item = models.ForeignKey(
        FeeItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    kind = models.CharField(max_length=12, choices=FeeKind.choices)
    description = models.CharField(max_length=200, validators=[validate_line])
    code = models.CharField("CPT/HCPCS", max_length=5, blank=True, validators=[validate_cpt])
    modifiers = models.CharField(max_length=11, blank=True, validators=[validate_modifiers])
    pointers = models.CharField("diagnosis pointers", max_length=7, blank=True, validators=[validate_pointers])
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    quantity = models.PositiveSmallIntegerField("units", default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    tax_rate = models.DecimalField(default=Decimal("0"), **RATE)

    class Meta(ClinicScoped.Meta):
        ordering = ["position", "pk"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="invoice_line_price_not_negative",
                violation_error_message="A price cannot be negative: a refund or a credit note gives money back.",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="invoice_line_quantity_positive"),
            ClinicForeignKey(field="invoice", name="billing_invoiceline_invoice_clinic_fk"),
            ClinicForeignKey(field="fee_item", name="billing_invoiceline_fee_item_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.code or self.description} x{self.quantity}"

    @property
    def amount(self) -> Decimal:
        return money(self.unit_price * self.quantity)

    @property
    def tax_amount(self) -> Decimal:
        return money(self.amount * self.tax_rate / 100)

    @property
    def gross(self) -> Decimal:
        return self.amount + self.tax_amount


class InvoiceCounter(models.Model):
    """The last number a clinic gave an invoice (or a credit note): locked with SELECT ... FOR UPDATE to issue.

    Bookkeeping, not a record: the issued invoices are the record. The number is taken in the transaction that
    issues, so a failed issue rolls the counter back with it and no number is ever skipped.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, help_text="the series: invoice, credit_note or receipt")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint("clinic", "kind", name="invoice_counter_one_per_series"),
            models.UniqueConstraint(fields=["clinic", "id"], name="billing_invoicecounter_clinic_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} counter at {self.last}"


class Package(ClinicScoped):
    """A prepaid course of sessions sold to a patient; each visit paid from it draws one session down."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="packages_sold", db_constraint=False)
    name = models.CharField(max_length=120, validators=[validate_line])
    sessions_total = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    sessions_used = models.PositiveSmallIntegerField(default=0)
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(sessions_used__lte=models.F("sessions_total")),
                name="package_not_overdrawn",
                violation_error_message="This package has no sessions left.",
            ),
            ClinicForeignKey(field="patient", name="billing_package_patient_clinic_fk"),
            ClinicForeignKey(field="fee_item", name="billing_package_fee_item_clinic_fk"),
            ClinicForeignKey(field="invoice", name="billing_package_invoice_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.sessions_left} of {self.sessions_total} left"

    @property
    def sessions_left(self) -> int:
        return self.sessions_total - self.sessions_used


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    TRANSFER = "transfer", "Bank transfer"
    INSURER = "insurer", "Insurer"
    PACKAGE = "package", "Package session"  # one session of a prepaid package settles the visit
    CREDIT = "credit", "Patient credit"  # the patient's earlier overpayment settles this invoice


MONEY_IN = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.TRANSFER, PaymentMethod.INSURER)


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"  # money (or a package session, or credit) toward an invoice
    REFUND = "refund", "Refund"  # money given back to the patient


class Payment(ClinicScoped):
    """A payment or a refund, as recorded (Knotwork does not take cards: a provider would, see `providers.py`)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments", db_constraint=False
    )
    kind = models.CharField(max_length=8, choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    applied = models.DecimalField(
        **MONEY, default=Decimal("0"), help_text="The part that settles the invoice; the rest is the patient's credit."
    )
    currency = models.CharField(max_length=3, validators=[validate_currency])
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.PROTECT, related_name="uses", db_constraint=False
    )
    received_on = models.DateField(default=datetime.date.today)
    reference = models.CharField(max_length=80, blank=True, validators=[validate_line], help_text="e.g. a card slip")
    provider = models.CharField(max_length=30, default="manual", help_text="Who took the money (see providers.py)")
    reason = models.CharField(max_length=300, blank=True, validators=[validate_line])
    receipt_number = models.PositiveIntegerField(editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["-received_on", "-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(applied__gte=0, applied__lte=models.F("amount")), name="payment_applied_within_amount"
            ),
            models.CheckConstraint(
                condition=~Q(method="package") | Q(package__isnull=False), name="package_payment_names_package"
            ),
            models.UniqueConstraint("clinic", "receipt_number", name="payment_receipt_number_once"),
            ClinicForeignKey(field="patient", name="billing_payment_patient_clinic_fk"),
            ClinicForeignKey(field="invoice", name="billing_payment_invoice_clinic_fk"),
            ClinicForeignKey(field="package", name="billing_payment_package_clinic_fk"),
        ]
        indexes = [
            models.Index(fields=["clinic", "received_on"], name="payment_clinic_day_idx"),
            models.Index(fields=["clinic", "updated_at", "id"], name="payment_sync_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} R{self.receipt_number}: {self.amount} {self.currency}"

    def get_absolute_url(self) -> str:
        return reverse("billing:receipt", args=[self.public_id])

    @property
    def credit(self) -> Decimal:
        """What this payment left as the patient's credit (an overpayment)."""
        return self.amount - self.applied if self.kind == PaymentKind.PAYMENT else Decimal("0")
