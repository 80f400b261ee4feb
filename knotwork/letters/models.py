"""Letters to the referring clinician (progress reports, discharge letters) and the clinic's letter templates.

A letter is made from one report context (knotwork.letters.selectors.letter_context) as a page and a PDF; the
PDF sent is kept as a document on the chart (knotwork.documents), and the Letter row records who it went to, how
and whether it arrived at the mail server. The clinic's templates hold only its own words around the clinical
report, with merge fields ({{patient.first_name}}) checked when they are saved (knotwork.letters.merge).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped
from knotwork.core.validators import LINE, PARAGRAPH, text_validators, validate_line


class LetterKind(models.TextChoices):
    PROGRESS = "progress", "Progress report"
    DISCHARGE = "discharge", "Discharge letter"


class Delivery(models.TextChoices):
    EMAIL = "email", "Email it to the referring clinician"
    PRINT = "print", "Print it (to post or fax)"


class LetterStatus(models.TextChoices):
    SENT = "sent", "Emailed"  # handed to the mail server
    PRINTED = "printed", "Filed for printing"  # the PDF is on the chart to print
    FAILED = "failed", "Email failed"  # the mail server refused; the PDF is on the chart, print it or retry


class LetterTemplate(ClinicScoped):
    """The clinic's own words for one kind of letter: the subject, the opening and the closing."""

    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    subject = models.CharField(max_length=200, validators=[validate_line])
    opening = models.TextField(max_length=PARAGRAPH, validators=text_validators(PARAGRAPH))
    closing = models.TextField(max_length=PARAGRAPH, validators=text_validators(PARAGRAPH))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["kind"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "kind", name="one_letter_template_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} template"


class Letter(ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="letters", db_constraint=False
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        db_constraint=False,
    )
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    recipient = models.ForeignKey(
        "patients.ReferringClinician",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        db_constraint=False,
    )
    recipient_email = models.EmailField(blank=True, help_text="the address it was emailed to, as it was then")
    delivery = models.CharField(max_length=5, choices=Delivery.choices)
    status = models.CharField(max_length=8, choices=LetterStatus.choices)
    subject = models.CharField(max_length=200, validators=[validate_line])
    next_steps = models.TextField(
        "plan and recommendations", blank=True, max_length=PARAGRAPH, validators=text_validators(PARAGRAPH)
    )
    document = ClinicOneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="letter", db_constraint=False
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    error = models.CharField(max_length=LINE, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="letters_letter_patient_clinic_fk"),
            ClinicForeignKey(field="plan", name="letters_letter_plan_clinic_fk"),
            ClinicForeignKey(field="recipient", name="letters_letter_recipient_clinic_fk"),
            ClinicForeignKey(field="document", name="letters_letter_document_clinic_fk"),
            models.UniqueConstraint(fields=["clinic", "document"], name="letters_letter_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient.chart_number}"

    def get_absolute_url(self) -> str:
        return reverse("letters:detail", args=[self.public_id])
