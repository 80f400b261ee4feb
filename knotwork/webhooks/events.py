"""Which webhook events a change is, read from the audit trail's change feed, and what each payload carries.

Every create and update of a model registered with django-auditlog appends an `AuditEntry` (clinic, patient,
content type, action, `changes`). `events_for(entry)` turns one such entry into the events it means:

| event                   | the entry                                                                    |
|-------------------------|------------------------------------------------------------------------------|
| patient.created         | a Patient created                                                            |
| patient.changed         | a Patient updated (the payload names the fields that changed, not values)     |
| appointment.booked      | an Appointment created with status "booked"                                  |
| appointment.moved       | an Appointment updated: its start or practitioner changed while booked       |
| appointment.cancelled   | an Appointment updated to status "cancelled"                                 |
| intake.submitted        | an Intake created or updated to status "submitted"                           |
| note.signed             | a NoteRevision created of kind "signed"                                      |
| note.amended            | a NoteRevision created of kind "amendment"                                   |
| checkin.flagged         | a Flag created (only once followup registers Flag with auditlog)             |
| questionnaire.completed | a QuestionnaireResponse created                                              |
| invoice.issued          | an Invoice created as, or updated to, status "issued"                        |
| invoice.paid            | a Payment created on an invoice that leaves nothing due                      |

Reads ("viewed") and exports are never events. A payload is the minimum an integrator needs to fetch the rest
through the API with its key: ids (public UUIDs), codes, statuses and times; never a name, a date of birth, a note's
text, a reason typed by staff or a questionnaire's answers.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from knotwork.assessment.models import Intake, IntakeStatus
from knotwork.audit.models import AuditEntry
from knotwork.billing import selectors as billing
from knotwork.billing.models import Invoice, InvoiceStatus, Payment, PaymentKind
from knotwork.followup.models import Flag
from knotwork.outcomes.models import QuestionnaireResponse
from knotwork.patients.models import Patient
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.treatment.models import NoteRevision
from knotwork.webhooks.models import Event

CREATE, UPDATE = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE
# Fields whose change alone is bookkeeping, not a change anyone subscribed to.
BOOKKEEPING = {"updated_at", "created_at"}


@dataclass(frozen=True)
class Happened:
    """One event: its name, when, the record it is about, the patient it concerns, and the payload's `data`."""

    event: str
    at: datetime.datetime
    patient_id: int | None
    data: dict[str, Any]


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _uuid(value: object) -> str | None:
    return None if value is None else str(value)


def _status_became(entry: AuditEntry, status: str) -> bool:
    change = (entry.changes or {}).get("status") or []
    return len(change) == 2 and change[-1] == status and change[0] != status


def _base(kind: str, instance: Any) -> dict[str, Any]:
    patient = getattr(instance, "patient", None)
    data: dict[str, Any] = {"object": kind, "id": str(instance.public_id)}
    if patient is not None:
        data["patient"] = str(patient.public_id)
    return data


def _patient(entry: AuditEntry, patient: Patient) -> list[tuple[str, dict]]:
    data = {"object": "patient", "id": str(patient.public_id), "status": patient.status}
    if entry.action == CREATE:
        return [(Event.PATIENT_CREATED, data | {"created_at": _iso(patient.created_at)})]
    changed = sorted(set(entry.changes or {}) - BOOKKEEPING)
    if not changed:
        return []
    return [(Event.PATIENT_CHANGED, data | {"changed_fields": changed, "updated_at": _iso(patient.updated_at)})]


def _appointment(entry: AuditEntry, appointment: Appointment) -> list[tuple[str, dict]]:
    data = _base("appointment", appointment) | {
        "status": appointment.status,
        "starts_at": _iso(appointment.starts_at),
        "ends_at": _iso(appointment.ends_at),
    }
    changes = entry.changes or {}
    if entry.action == CREATE:
        return [(Event.APPOINTMENT_BOOKED, data)] if appointment.status == AppointmentStatus.BOOKED else []
    if _status_became(entry, AppointmentStatus.CANCELLED):
        return [(Event.APPOINTMENT_CANCELLED, data | {"cancelled_at": _iso(appointment.status_changed_at)})]
    if "status" not in changes and ({"starts_at", "practitioner"} & set(changes)):
        previous = changes.get("starts_at", [None])[0]
        return [(Event.APPOINTMENT_MOVED, data | {"previous_starts_at": _iso_text(previous)})]
    return []


def _iso_text(value: str | None) -> str | None:
    """A datetime as auditlog wrote it ("2026-03-02 10:00:00+00:00") in the payload's form; as is otherwise."""
    if not value or value == "None":
        return None
    try:
        return _iso(datetime.datetime.fromisoformat(value))
    except ValueError:
        return value


def _intake(entry: AuditEntry, intake: Intake) -> list[tuple[str, dict]]:
    submitted = (
        intake.status == IntakeStatus.SUBMITTED
        if entry.action == CREATE
        else _status_became(entry, IntakeStatus.SUBMITTED)
    )
    if not submitted:
        return []
    return [(Event.INTAKE_SUBMITTED, _base("intake", intake) | {"submitted_at": _iso(intake.submitted_at)})]


def _revision(entry: AuditEntry, revision: NoteRevision) -> list[tuple[str, dict]]:
    if entry.action != CREATE:
        return []
    note = revision.note
    data = {
        "object": "note",
        "id": str(note.public_id),
        "patient": str(revision.patient.public_id),
        "session": str(note.session.public_id),
        "revision": {"id": str(revision.public_id), "number": revision.number, "kind": revision.kind},
        "at": _iso(revision.created_at),
    }
    return [(Event.NOTE_AMENDED if revision.kind == "amendment" else Event.NOTE_SIGNED, data)]


def _flag(entry: AuditEntry, flag: Flag) -> list[tuple[str, dict]]:
    if entry.action != CREATE:
        return []
    data = _base("flag", flag) | {
        "kind": flag.kind,
        "check_in": _uuid(flag.check_in.public_id if flag.check_in is not None else None),
        "raised_at": _iso(flag.created_at),
    }
    return [(Event.CHECKIN_FLAGGED, data)]


def _questionnaire(entry: AuditEntry, response: QuestionnaireResponse) -> list[tuple[str, dict]]:
    if entry.action != CREATE:
        return []
    data = _base("questionnaire_response", response) | {
        "instrument": response.instrument,
        "occasion": response.occasion,
        "taken_at": _iso(response.taken_at),
    }
    return [(Event.QUESTIONNAIRE_COMPLETED, data)]


def _invoice_data(invoice: Invoice) -> dict[str, Any]:
    return _base("invoice", invoice) | {
        "kind": invoice.kind,
        "number": invoice.number,
        "total": str(invoice.total),
        "currency": invoice.currency,
        "issue_date": _iso(invoice.issue_date),
    }


def _invoice(entry: AuditEntry, invoice: Invoice) -> list[tuple[str, dict]]:
    issued = (
        invoice.status == InvoiceStatus.ISSUED
        if entry.action == CREATE
        else _status_became(entry, InvoiceStatus.ISSUED)
    )
    return [(Event.INVOICE_ISSUED, _invoice_data(invoice))] if issued else []


def _payment(entry: AuditEntry, payment: Payment) -> list[tuple[str, dict]]:
    if entry.action != CREATE or payment.invoice is None or payment.kind != PaymentKind.PAYMENT:
        return []
    if not payment.applied:
        return []  # nothing of it went to the invoice (already paid): not the payment that settled it
    invoice = billing.figures(payment.invoice)
    if invoice.status != InvoiceStatus.ISSUED or invoice.due > 0:
        return []
    return [(Event.INVOICE_PAID, _invoice_data(invoice) | {"payment": str(payment.public_id)})]


READERS: dict[type[models.Model], Callable[[AuditEntry, Any], list[tuple[str, dict]]]] = {
    Patient: _patient,
    Appointment: _appointment,
    Intake: _intake,
    NoteRevision: _revision,
    Flag: _flag,
    QuestionnaireResponse: _questionnaire,
    Invoice: _invoice,
    Payment: _payment,
}
# Which events each model can give, to skip the lookups when no endpoint of the clinic wants any of them.
EVENTS_OF: dict[type[models.Model], set[str]] = {
    Patient: {Event.PATIENT_CREATED, Event.PATIENT_CHANGED},
    Appointment: {Event.APPOINTMENT_BOOKED, Event.APPOINTMENT_MOVED, Event.APPOINTMENT_CANCELLED},
    Intake: {Event.INTAKE_SUBMITTED},
    NoteRevision: {Event.NOTE_SIGNED, Event.NOTE_AMENDED},
    Flag: {Event.CHECKIN_FLAGGED},
    QuestionnaireResponse: {Event.QUESTIONNAIRE_COMPLETED},
    Invoice: {Event.INVOICE_ISSUED},
    Payment: {Event.INVOICE_PAID},
}


def model_of(entry: AuditEntry) -> type[models.Model] | None:
    """The model an entry of a change is about, when it is one that can be an event (no query: cached)."""
    if entry.action not in (CREATE, UPDATE) or entry.clinic_id is None or entry.object_id is None:
        return None
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    return model if model in READERS else None


def _as_saved(instance: models.Model, changes: dict) -> None:
    """Put an update's new values on the row as it was read.

    django-auditlog writes an update's entry before the row is saved (pre_save, so it can compare), so the database
    still holds the old values; the entry's `changes` hold the new ones, as text ("None" for none).
    """
    for name, values in changes.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, models.Field) or not field.concrete or field.is_relation or not values:
            continue
        new = values[-1]
        try:
            setattr(instance, field.attname, None if new in (None, "None") else field.to_python(new))
        except ValidationError:
            continue  # a value auditlog wrote in another form: the stored one stays


def events_for(entry: AuditEntry, model: type[models.Model]) -> list[Happened]:
    """The events one change entry means (usually none or one)."""
    instance = model._default_manager.filter(pk=entry.object_id).first()
    if instance is None:
        return []
    if entry.action == UPDATE:
        _as_saved(instance, entry.changes or {})
    return [
        Happened(event=str(event), at=entry.timestamp, patient_id=entry.patient_id, data=data)
        for event, data in READERS[model](entry, instance)
    ]


def payload(*, event: str, at: datetime.datetime, clinic_public_id: object, data: dict[str, Any]) -> dict[str, Any]:
    """The body sent: Standard Webhooks' {type, timestamp, data}, with the clinic's id beside the record's."""
    return {"type": event, "timestamp": _iso(at), "data": {"clinic": str(clinic_public_id), **data}}
