"""Documents on the chart: uploaded referral letters, imaging and lab reports, photos, and every letter sent.

The file itself lives in Django's storage (a private folder under var/ or S3-compatible object storage) under a
random key that names neither the patient nor the file; the row keeps what the clinic sees (title, kind, the
sanitised file name) and what Knotwork checked (the type found in the content, the size, a SHA-256 digest).
A document is never deleted: it is withdrawn with a reason, and the file stays.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import LINE, validate_line


class DocumentKind(models.TextChoices):
    REFERRAL_LETTER = "referral_letter", "Referral letter"
    IMAGING = "imaging", "Imaging report"
    LAB = "lab", "Lab report"
    PHOTO = "photo", "Photo"
    LETTER = "letter", "Letter sent by the clinic"  # made by Knotwork (knotwork.letters), never uploaded
    OTHER = "other", "Other document"


# What a person may choose when uploading (a sent letter is filed by Knotwork itself).
UPLOAD_KINDS = [choice for choice in DocumentKind.choices if choice[0] != DocumentKind.LETTER]


class ContentType(models.TextChoices):
    """The types Knotwork accepts, as found in the file's content (never the name or the browser's word)."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG image"
    PNG = "image/png", "PNG image"


class Document(ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="documents", db_constraint=False
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, validators=[validate_line])
    filename = models.CharField("file name", max_length=120, help_text="sanitised; for the download only")
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField(help_text="bytes")
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=255, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The medical referral this document answers (an imaging report, a GP's reply): attaching it closed the referral.
    referral = models.ForeignKey(
        "assessment.MedicalReferral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        db_constraint=False,
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=LINE, blank=True, validators=[validate_line])

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "storage_key"], name="documents_document_storage_key_key"),
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="document_withdrawn_with_reason",
                violation_error_message="Say why the document is withdrawn.",
            ),
            ClinicForeignKey(field="patient", name="documents_document_patient_clinic_fk"),
            ClinicForeignKey(field="referral", name="documents_document_referral_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient.chart_number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.public_id])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_image(self) -> bool:
        return self.content_type in (ContentType.JPEG, ContentType.PNG)
