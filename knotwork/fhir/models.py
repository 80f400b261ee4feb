"""A clinic's FHIR bulk export: one row per request, its progress and the NDJSON files it wrote."""

from django.conf import settings
from django.db import models

from knotwork.core.models import ClinicScoped


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # asked for; waiting for the task worker
    RUNNING = "running", "Running"  # the worker is writing the files
    DONE = "done", "Done"  # every file written; downloadable until it expires
    FAILED = "failed", "Failed"  # the worker stopped; `error` says why, nothing is downloadable
    EXPIRED = "expired", "Expired"  # past the retention period: the files are deleted, the row is kept


class FhirExport(ClinicScoped):
    """One bulk export of a clinic's record (FHIR Bulk Data `$export`), written by the task worker.

    `files` lists what was written: [{"type": "Patient", "count": 12, "key": "<storage key>", "bytes": 3456}], in
    the order of EXPORT_TYPES. The files live in Django's default storage under a random key per export, read only
    through the authenticated download view.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    types = models.JSONField(default=list, blank=True, help_text="the resource types asked for; empty for all")
    since = models.DateTimeField(null=True, blank=True, help_text="only resources changed since (`_since`)")
    storage_prefix = models.CharField(max_length=200, editable=False)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent of the rows written")
    step = models.CharField(max_length=40, blank=True, help_text="the resource type being written")
    files = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"FHIR export {self.public_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
