"""The audit trail: django-auditlog's entry, plus the clinic and patient it concerns. Append-only."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("clinic_id", _clinic_id(instance))
        kwargs.setdefault("patient_id", _patient_id(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)


def _clinic_id(instance) -> int | None:
    from knotwork.clinics.models import Clinic

    if isinstance(instance, Clinic):
        return instance.pk
    return getattr(instance, "clinic_id", None)


def _patient_id(instance) -> int | None:
    from knotwork.patients.models import Patient

    if isinstance(instance, Patient):
        return instance.pk
    return getattr(instance, "patient_id", None)


class AppendOnlyError(Exception):
    pass


class AuditEntry(AbstractLogEntry):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["clinic", "-timestamp"])]

    def save(self, *args, **kwargs):
        # The trail is evidence: an entry, once written, is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def action_name(self) -> str:
        return {0: "created", 1: "changed", 2: "deleted", 3: "viewed"}.get(self.action, "logged")
