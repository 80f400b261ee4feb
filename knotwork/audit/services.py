"""Write read and export entries; changes are recorded by django-auditlog's model registration.

Every page, PDF, API read and patient-portal page that shows a patient's record calls `record_view` (one record)
or `record_views` (a list: one query), naming the actor: a staff user, a patient's link, the system (an API key
once issue 15 adds them). `tests/test_read_audit.py` walks every URL and fails for a page that shows a patient
without an entry.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import smart_str

from knotwork.audit import actors
from knotwork.audit.models import AuditEntry, clinic_id_for, patient_id_for
from knotwork.core.policy import Actor


def _details(shown_in: str, extra: dict | None = None) -> dict | None:
    data = {"shown_in": shown_in} if shown_in else {}
    data |= extra or {}
    return data or None


def record_view(*, instance: models.Model, by: Actor, shown_in: str = "") -> None:
    """Append a 'viewed' entry for a record `by` opened; `shown_in` says where when it is not the record's page."""
    AuditEntry.objects.log_create(
        instance,
        action=AuditEntry.Action.ACCESS,
        force_log=True,
        additional_data=_details(shown_in),
        **actors.describe(by).as_entry_fields(),
    )


def record_views(*, instances: Iterable[models.Model], by: Actor, shown_in: str = "list") -> None:
    """Append one 'viewed' entry per record shown in a list, a search result or a calendar, in one insert."""
    instances = list(instances)
    if not instances:
        return
    actor = actors.describe(by).as_entry_fields()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=ContentType.objects.get_for_model(instance),
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=smart_str(instance),
                action=AuditEntry.Action.ACCESS,
                clinic_id=clinic_id_for(instance),
                patient_id=patient_id_for(instance),
                additional_data=_details(shown_in),
                **actor,
            )
            for instance in instances
        ]
    )


def record_export(*, instance: models.Model, by: Actor, what: str, details: dict) -> AuditEntry:
    """Append an 'exported' entry: records left Knotwork as a file (`details`: the range, the number of rows)."""
    return AuditEntry.objects.log_create(
        instance,
        action=AuditEntry.Action.EXPORT,
        force_log=True,
        additional_data=_details(what, details),
        **actors.describe(by).as_entry_fields(),
    )


def record_patients_shown(*, records: Iterable[models.Model], by: Actor, shown_in: str) -> None:
    """Append one 'viewed' entry per patient a page names among `records` (a calendar, a day's dashboard).

    `records` are patients or rows with a `patient` (select_related, so this adds no query but the insert).
    """
    patients: dict[int, models.Model] = {}
    for record in records:
        patient = record if record._meta.label_lower == "patients.patient" else getattr(record, "patient", None)
        if patient is not None:
            patients.setdefault(patient.pk, patient)
    record_views(instances=patients.values(), by=by, shown_in=shown_in)
