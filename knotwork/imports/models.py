from django.conf import settings
from django.db import models
from django.urls import reverse

from knotwork.core.models import ClinicForeignKey, ClinicScoped


class ImportSource(models.TextChoices):
    CSV = "csv", "CSV export"
    FHIR = "fhir", "FHIR Patient bundle"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Waiting for review"  # the file is kept until the owner imports or discards it
    DONE = "done", "Imported"  # the rows below were applied; the file is deleted
    DISCARDED = "discarded", "Discarded"  # the owner stopped before importing; the file is deleted


class Outcome(models.TextChoices):
    CREATE = "create", "Created"  # a new patient (and their upcoming appointment, if the file had one)
    UPDATE = "update", "Updated"  # imported before: the details that changed in the file were changed
    SKIP = "skip", "Skipped"  # imported before and unchanged, so nothing to do
    DUPLICATE = "duplicate", "Possible duplicate"  # a patient with the same name and birth date exists: not created
    ERROR = "error", "Problem"  # the row cannot be imported as it is; the reason says why


class ImportRun(ClinicScoped):
    """One import of one file. The file itself is kept only until the run is imported or discarded."""

    source = models.CharField(max_length=10, choices=ImportSource.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    file_name = models.CharField(max_length=200, blank=True)
    stored_file = models.CharField(max_length=300, blank=True, help_text="path in the default storage, while kept")
    mapping = models.JSONField(default=dict, blank=True)
    date_order = models.CharField(max_length=3, default="mdy")
    good_rows_only = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    appointment_count = models.PositiveIntegerField(default=0)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name}".strip()

    def get_absolute_url(self) -> str:
        if self.status == ImportStatus.UPLOADED:
            return reverse("imports:review", args=[self.public_id])
        return reverse("imports:run", args=[self.public_id])


class ImportRow(ClinicScoped):
    """What one row of an applied import did. The row's values are not kept: only a hash of its import key (the
    other system's patient id, or name and date of birth), so running the file again finds what it made."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows", db_constraint=False)
    number = models.PositiveIntegerField(help_text="line of the CSV (the header is line 1) or entry of the bundle")
    import_key = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["run", "number"]
        indexes = [models.Index(fields=["clinic", "import_key"], name="import_row_key_idx")]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="run", name="imports_importrow_run_clinic_fk"),
            ClinicForeignKey(field="patient", name="imports_importrow_patient_clinic_fk"),
            ClinicForeignKey(field="appointment", name="imports_importrow_appointment_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"row {self.number}: {self.get_outcome_display()}"
