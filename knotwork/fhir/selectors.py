"""Scoped reads of everything FHIR exports: per resource type, the rows it is made from and how.

A scope is the acting user (a browser session's or an API key's: `for_user`, so another clinic's rows are never
found) or, for the task worker's bulk export, the clinic the export belongs to. Each `Source` says which rows of one
model a resource type is made of, how to narrow them to one patient, and how to build the resources of one row.
"""

import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from knotwork.accounts.models import User
from knotwork.assessment.models import Consent, Diagnosis, Examination, Technique, TriggerPointFinding
from knotwork.atlas.catalog import get_atlas
from knotwork.clinics.models import Clinic
from knotwork.core.models import clinic_id_of
from knotwork.fhir import resources
from knotwork.fhir.resources import Context, Resource
from knotwork.outcomes.models import QuestionnaireResponse
from knotwork.patients.models import Patient
from knotwork.plans.models import Goal, TreatmentPlan
from knotwork.scheduling.models import Appointment
from knotwork.treatment.models import ClinicalNote, Hold, NoteStatus, SessionPoint, SessionStatus, TreatmentSession
from knotwork.treatment.services.codes import billing_lines

Scope = Any  # a staff user (or an API key's user), or a Clinic for the task worker

TECHNIQUE_LABELS = {t.value: t.label for t in Technique}


def _scoped(queryset: Any, scope: Scope) -> QuerySet:
    """A ClinicScopedQuerySet narrowed to the user's clinic (`for_user`), or to the export's clinic."""
    if isinstance(scope, Clinic):
        return queryset.filter(clinic=scope)
    return queryset.for_user(scope)


def _clinic_id(scope: Scope) -> int:
    """The clinic of the scope; -1 (no clinic's id) for a user without an active membership, so nothing is found."""
    clinic_id = scope.pk if isinstance(scope, Clinic) else clinic_id_of(scope)
    return -1 if clinic_id is None else clinic_id


@dataclasses.dataclass(frozen=True)
class Source:
    """The rows of one model that one FHIR resource type is made of."""

    type: str
    rows: Callable[[Scope], QuerySet]
    build: Callable[[Any, Context], list[Resource]]
    patient_field: str | None = "patient"  # how a row names its patient; None: not a patient's row
    changes: bool = True  # the rows have `updated_at`, so `_since` applies

    def for_patient(self, scope: Scope, patient: Patient) -> QuerySet:
        if self.patient_field is None:
            raise ValueError(f"{self.type} rows belong to no patient.")
        return self.rows(scope).filter(**{self.patient_field: patient.pk})


def _patients(scope: Scope) -> QuerySet:
    return _scoped(Patient.objects.select_related("clinic"), scope)


def _practitioners(scope: Scope) -> QuerySet:
    return (
        User.objects.filter(membership__clinic_id=_clinic_id(scope))
        .select_related("membership", "api_key")
        .order_by("pk")
    )


def _clinics(scope: Scope) -> QuerySet:
    return Clinic.objects.filter(pk=_clinic_id(scope))


def _sessions(scope: Scope) -> QuerySet:
    return _scoped(TreatmentSession.objects.select_related("patient__clinic", "practitioner"), scope)


def _signed_sessions(scope: Scope) -> QuerySet:
    points = SessionPoint.objects.prefetch_related(Prefetch("holds", queryset=Hold.objects.order_by("number")))
    return (
        _sessions(scope)
        .filter(status=SessionStatus.SIGNED)
        .select_related("patient__clinic__settings")
        .prefetch_related(Prefetch("points", queryset=points), "needling", "techniques")
    )


def _diagnoses(scope: Scope) -> QuerySet:
    return _scoped(Diagnosis.objects.select_related("patient", "examination__examined_by"), scope)


def _findings(scope: Scope) -> QuerySet:
    return _scoped(TriggerPointFinding.objects.select_related("patient", "examination__examined_by"), scope)


def _questionnaires(scope: Scope) -> QuerySet:
    return _scoped(QuestionnaireResponse.objects.select_related("patient", "session", "wording", "recorded_by"), scope)


def _plans(scope: Scope) -> QuerySet:
    return _scoped(
        TreatmentPlan.objects.select_related("patient", "practitioner", "diagnosis").prefetch_related("goals"), scope
    )


def _goals(scope: Scope) -> QuerySet:
    return _scoped(Goal.objects.select_related("plan__patient"), scope)


def _appointments(scope: Scope) -> QuerySet:
    return _scoped(Appointment.objects.select_related("patient", "practitioner", "appointment_type"), scope)


def _consents(scope: Scope) -> QuerySet:
    return _scoped(Consent.objects.select_related("patient", "clinic", "version__form"), scope)


def _notes(scope: Scope) -> QuerySet:
    return _scoped(
        ClinicalNote.objects.filter(status=NoteStatus.SIGNED).select_related("patient__clinic", "session", "signed_by"),
        scope,
    )


SOURCES: tuple[Source, ...] = (
    Source("Patient", _patients, lambda row, c: [resources.patient(row)], patient_field="pk"),
    Source("Practitioner", _practitioners, lambda row, c: [resources.practitioner(row)], None, changes=False),
    Source("Organization", _clinics, lambda row, c: [resources.organization(row)], None, changes=False),
    Source("Encounter", _sessions, lambda row, c: [resources.encounter(row)]),
    Source("Condition", _diagnoses, lambda row, c: [resources.condition(row)]),
    Source("Observation", _sessions, lambda row, c: resources.session_pain(row)),
    Source("Observation", _findings, resources.trigger_point),
    Source(
        "Observation",
        lambda scope: _questionnaires(scope).filter(instrument="nprs"),
        lambda row, c: [resources.nprs(row)],
    ),
    Source("Procedure", _signed_sessions, lambda row, c: resources.procedures(row, billing_lines(row), c)),
    Source(
        "QuestionnaireResponse",
        lambda scope: _questionnaires(scope).filter(instrument__in=resources.SCORED_QUESTIONNAIRES),
        lambda row, c: [resources.questionnaire_response(row)],
    ),
    Source("CarePlan", _plans, lambda row, c: [resources.care_plan(row, TECHNIQUE_LABELS)]),
    Source("Goal", _goals, lambda row, c: [resources.goal(row)], patient_field="plan__patient"),
    Source("Appointment", _appointments, lambda row, c: [resources.appointment(row)]),
    Source("Consent", _consents, lambda row, c: [resources.consent(row)]),
    Source("DocumentReference", _notes, lambda row, c: [resources.document_reference(row, c)]),
)


def sources_of(resource_type: str) -> list[Source]:
    return [source for source in SOURCES if source.type == resource_type]


def context(base_url: str) -> Context:
    return Context(base_url=base_url, muscle_names={m.id: m.name for m in get_atlas().muscles.values()})


# --- one patient ------------------------------------------------------------------------------------------------


def _practitioner_ids(scope: Scope, patient: Patient) -> set[int]:
    """The staff a patient's record names: who treated, examined, booked a practitioner, planned, signed, recorded."""
    ids: set[int] = set()
    ids.update(_sessions(scope).filter(patient=patient).values_list("practitioner_id", flat=True))
    ids.update(_appointments(scope).filter(patient=patient).values_list("practitioner_id", flat=True))
    ids.update(_plans(scope).filter(patient=patient).values_list("practitioner_id", flat=True))
    ids.update(_scoped(Examination.objects, scope).filter(patient=patient).values_list("examined_by_id", flat=True))
    ids.update(_notes(scope).filter(patient=patient).values_list("signed_by_id", flat=True))
    ids.update(_questionnaires(scope).filter(patient=patient).values_list("recorded_by_id", flat=True))
    ids.discard(None)
    return ids


def patient_record(user, patient: Patient, ctx: Context) -> list[Resource]:
    """Every resource of one patient's record (`Patient/{id}/$everything`), the patient first."""
    found: list[Resource] = []
    for source in SOURCES:
        if source.type == "Practitioner":
            rows: Any = _practitioners(user).filter(pk__in=_practitioner_ids(user, patient))
        elif source.type == "Organization":
            rows = _clinics(user)
        else:
            rows = source.for_patient(user, patient)
        for row in rows:
            found.extend(source.build(row, ctx))
    return found


# --- one resource by id -----------------------------------------------------------------------------------------


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Http404("No such resource.") from None


def get_resource_row(user, resource_type: str, fhir_id: str, ctx: Context) -> tuple[Resource, Any]:
    """The resource `resource_type/fhir_id` of the user's clinic and the row it was made of; Http404 otherwise.

    A Knotwork id is a public UUID, followed for a derived resource by `-` and a suffix.
    """
    sources = sources_of(resource_type)
    if not sources or len(fhir_id) < 36 or (len(fhir_id) > 36 and fhir_id[36] != "-"):
        raise Http404("No such resource.")
    public_id = _uuid(fhir_id[:36])
    for source in sources:
        row = source.rows(user).filter(public_id=public_id).first()
        if row is None:
            continue
        for resource in source.build(row, ctx):
            if resource.id == fhir_id:
                return resource, row
    raise Http404("No such resource.")


def rows_since(source: Source, scope: Scope, since: datetime.datetime | None) -> QuerySet:
    rows = source.rows(scope)
    if since is not None and source.changes:
        rows = rows.filter(updated_at__gte=since)
    return rows.order_by("pk")


def stream(source: Source, scope: Scope, ctx: Context, *, since=None, chunk_size: int) -> Iterator[tuple[Any, list]]:
    """Each row of `source` with its resources, read `chunk_size` rows at a time (never the whole table at once)."""
    for row in rows_since(source, scope, since).iterator(chunk_size=chunk_size):
        yield row, source.build(row, ctx)


def note_context(note: ClinicalNote) -> dict:
    """What the note PDF shows: the note as it stands, its session, and every signed version and amendment."""
    return {
        "note": note,
        "session": note.session,
        "patient": note.patient,
        "clinic": note.patient.clinic,
        "revisions": list(note.revisions.select_related("by").order_by("number")),
        "pdf": True,
    }
