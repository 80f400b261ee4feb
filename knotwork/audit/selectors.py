import datetime

from django.db.models import QuerySet
from django.utils import timezone

from knotwork.audit.models import AuditEntry
from knotwork.core.models import clinic_id_of


def list_audit_entries(
    user,
    *,
    actor_id: int | None = None,
    action: int | None = None,
    record_type: str = "",
    patient_public_id=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The clinic's audit trail, newest first, narrowed by the owner's filters."""
    clinic_id = clinic_id_of(user)
    if clinic_id is None:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(clinic_id=clinic_id).select_related("actor", "content_type", "patient")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if action is not None:
        entries = entries.filter(action=action)
    if record_type:
        entries = entries.filter(content_type__model=record_type)
    if patient_public_id is not None:
        entries = entries.filter(patient__public_id=patient_public_id)
    if since is not None:
        entries = entries.filter(timestamp__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(timestamp__lt=_start_of(until + datetime.timedelta(days=1)))
    return entries.order_by("-timestamp", "-pk")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
