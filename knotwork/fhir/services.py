"""The one way to start, write and delete a FHIR bulk export, and to load Questionnaire wording from FHIR.

A bulk export is written by the task worker (`tasks.run_export_task`, queued with the export's id only): one NDJSON
file per resource type, a line per resource, read `CHUNK_SIZE` rows at a time and written line by line to a
temporary file that goes to Django's default storage, so memory stays bounded however large the clinic. Files are
kept `FHIR_EXPORT_RETENTION_HOURS` (24 h by default) and then deleted, with the row kept as the record.
"""

import datetime
import json
import logging
import secrets
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.audit.services import record_export, record_views
from knotwork.core.policy import Actor, NotAllowed, require
from knotwork.fhir import policy, questionnaire, selectors, tasks
from knotwork.fhir.models import ExportStatus, FhirExport
from knotwork.fhir.resources import EXPORT_TYPES, as_json
from knotwork.outcomes.models import QuestionnaireText
from knotwork.outcomes.services import load_questionnaire_text

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500  # rows read from the database at a time
RETENTION_HOURS = 24  # Knotwork default, no clinical source: a day to fetch the files


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "FHIR_EXPORT_RETENTION_HOURS", RETENTION_HOURS))


def export_storage() -> Storage:
    return storages["default"]


def parse_types(text: str) -> list[str]:
    """The `_type` parameter: resource types separated by commas, each one Knotwork exports."""
    asked = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [t for t in asked if t not in EXPORT_TYPES]
    if unknown:
        raise ValidationError(
            f"Knotwork does not export {', '.join(u[:40] for u in unknown[:5])}; it exports {', '.join(EXPORT_TYPES)}."
        )
    return [t for t in EXPORT_TYPES if t in asked]


@transaction.atomic
def start_export(*, clinic, by: Actor, types: list[str] | None = None, since: datetime.datetime | None = None):
    """Queue a bulk export of the clinic's record; the task worker writes it."""
    reason = policy.export_refusal(by, clinic)
    if reason is not None:
        raise NotAllowed(reason)
    types = list(types or [])
    unknown = [t for t in types if t not in EXPORT_TYPES]
    if unknown:
        raise ValidationError(f"Knotwork does not export {', '.join(unknown)}.")
    if since is not None and since > timezone.now():
        raise ValidationError("_since is in the future: nothing has changed since then yet.")
    export = FhirExport(
        clinic=clinic,
        requested_by=acting_staff(by),
        types=[t for t in EXPORT_TYPES if t in types],
        since=since,
        storage_prefix=f"clinics/{clinic.public_id}/fhir-exports/{secrets.token_hex(16)}",
    )
    export.full_clean()
    export.save()
    transaction.on_commit(lambda: tasks.run_export_task.enqueue(export_id=export.pk))
    return export


def _progress(export: FhirExport, done: int, total: int, step: str) -> None:
    export.progress = min(99, done * 100 // total) if total else 0
    export.step = step
    FhirExport.objects.filter(pk=export.pk).update(progress=export.progress, step=step, updated_at=timezone.now())


def _requester(export: FhirExport, by: Actor):
    """Who the audit trail names for the export: who asked (an API key by its name), else the actor running it."""
    user = export.requested_by
    if user is None:
        return by
    key = getattr(user, "api_key", None)  # None for a person: the reverse one-to-one raises AttributeError
    if key is not None:
        user.acting_api_key = key  # type: ignore[attr-defined]  # read by audit.actors.describe
    return user


def _write_type(export: FhirExport, resource_type: str, ctx, counted: dict, viewer: Actor) -> dict | None:
    """Write one resource type's NDJSON file, line by line; None when it has no resources."""
    lines = 0
    patients = []
    with tempfile.TemporaryFile() as handle:
        for source in selectors.sources_of(resource_type):
            for row, built in selectors.stream(source, export.clinic, ctx, since=export.since, chunk_size=CHUNK_SIZE):
                for resource in built:
                    handle.write(as_json(resource).encode())
                    handle.write(b"\n")
                    lines += 1
                counted["done"] += 1
                if resource_type == "Patient":
                    patients.append(row)
                    if len(patients) >= CHUNK_SIZE:  # who was exported, a chunk at a time
                        record_views(instances=patients, by=viewer, shown_in="FHIR bulk export")
                        patients = []
                if counted["done"] % CHUNK_SIZE == 0:
                    _progress(export, counted["done"], counted["total"], resource_type)
        if patients:
            record_views(instances=patients, by=viewer, shown_in="FHIR bulk export")
        if not lines:
            return None
        size = handle.tell()
        handle.seek(0)
        key = export_storage().save(f"{export.storage_prefix}/{resource_type}.ndjson", File(handle))
    return {"type": resource_type, "count": lines, "key": key, "bytes": size}


def run_export(*, export: FhirExport, by: Actor) -> FhirExport:
    """Write the export's files (the task worker's part); on any error no file stays and the export says why."""
    require(by, "export_fhir", export)
    claimed = FhirExport.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:  # already run, or running elsewhere
        export.refresh_from_db()
        return export
    export.refresh_from_db()
    types = export.types or list(EXPORT_TYPES)
    ctx = selectors.context(settings.KNOTWORK_BASE_URL)
    counted = {"done": 0, "total": 0}
    for resource_type in types:
        for source in selectors.sources_of(resource_type):
            counted["total"] += selectors.rows_since(source, export.clinic, export.since).count()
    files: list[dict] = []
    try:
        for resource_type in types:
            _progress(export, counted["done"], counted["total"], resource_type)
            written = _write_type(export, resource_type, ctx, counted, _requester(export, by))
            if written is not None:
                files.append(written)
    except Exception as error:
        logger.exception("FHIR export %s failed", export.public_id)
        for file in files:
            export_storage().delete(file["key"])
        FhirExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED,
            error=f"The export stopped ({type(error).__name__}); start a new one, or tell the administrator.",
            finished_at=timezone.now(),
            expires_at=timezone.now() + retention(),
            updated_at=timezone.now(),
        )
        export.refresh_from_db()
        return export
    now = timezone.now()
    finished = FhirExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        files=files,
        progress=100,
        step="",
        finished_at=now,
        expires_at=now + retention(),
        updated_at=now,
    )
    export.refresh_from_db()
    if not finished:  # cancelled while it ran: what was written goes too
        for file in files:
            export_storage().delete(file["key"])
        return export
    record_export(
        instance=export.clinic,
        by=_requester(export, by),
        what="FHIR bulk export",
        details={
            "export": str(export.public_id),
            "resources": sum(f["count"] for f in files),
            "types": [f["type"] for f in files],
        },
    )
    return export


def cancel_export(*, export: FhirExport, by: Actor) -> FhirExport:
    """Stop an export and delete its files now (Bulk Data: DELETE on the status URL)."""
    reason = policy.export_refusal(by, export.clinic)
    if reason is not None:
        raise NotAllowed(reason)
    for file in export.files:
        export_storage().delete(file["key"])
    now = timezone.now()
    FhirExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.EXPIRED, files=[], error="Cancelled.", expires_at=now, updated_at=now
    )
    export.refresh_from_db()
    return export


def delete_expired_exports(*, by: Actor, now: datetime.datetime | None = None) -> int:
    """Delete the files of every export past its retention; the rows stay, marked expired. Return how many."""
    require(by, "delete_fhir_exports")
    now = now or timezone.now()
    expired = FhirExport.objects.filter(
        status__in=(ExportStatus.DONE, ExportStatus.FAILED), expires_at__lte=now
    ).order_by("pk")
    count = 0
    storage = export_storage()
    for export in expired.iterator(chunk_size=100):
        for file in export.files:
            storage.delete(file["key"])
        FhirExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, files=[], updated_at=now)
        count += 1
    return count


def import_questionnaire(
    *, clinic, content: bytes, instrument: str, by: Actor, filename: str = ""
) -> QuestionnaireText:
    """Load a FHIR Questionnaire as the clinic's licensed wording of the ODI or NDI (refused whole if it differs)."""
    require(by, "load_questionnaire_text", clinic)
    try:
        wording = questionnaire.convert(content, instrument=instrument)
    except questionnaire.QuestionnaireError as error:
        raise ValidationError(error.problems) from error
    name = (filename or "questionnaire")[:190]
    return load_questionnaire_text(
        clinic=clinic,
        content=json.dumps(wording).encode(),
        filename=f"{name}.json" if not name.endswith(".json") else name,
        by=by,
    )
