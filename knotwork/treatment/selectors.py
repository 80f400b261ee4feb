from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from knotwork.treatment.models import (
    ClinicalNote,
    Hold,
    NoteRevision,
    SessionPoint,
    SessionStatus,
    TreatmentSession,
)


def get_session(user, public_id) -> TreatmentSession:
    points = SessionPoint.objects.prefetch_related(Prefetch("holds", queryset=Hold.objects.order_by("number")))
    return get_object_or_404(
        TreatmentSession.objects.for_user(user)
        .select_related("patient", "practitioner")
        .prefetch_related(Prefetch("points", queryset=points), "needling", "techniques", "overrides"),
        public_id=public_id,
    )


def get_point(user, public_id) -> SessionPoint:
    return get_object_or_404(
        SessionPoint.objects.for_user(user).select_related("session__patient"), public_id=public_id
    )


def points_for(user, public_id) -> QuerySet[SessionPoint]:
    """The query for one point the user may see, left unread: a service that locks it reads it once."""
    return SessionPoint.objects.for_user(user).filter(public_id=public_id)


def get_note(user, session) -> ClinicalNote:
    return get_object_or_404(ClinicalNote.objects.for_user(user), session=session)


def list_sessions(patient) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.filter(patient=patient).select_related("practitioner")


def course_end_refusal(*, plan) -> str | None:
    """Why a course cannot end yet (registered on knotwork.plans.hooks.course_ending): a session still open."""
    if TreatmentSession.objects.filter(plan=plan, status=SessionStatus.IN_PROGRESS).exists():
        return "A session of this course is still in progress: finish it first."
    return None


# --- the API's reads (knotwork/treatment/api.py) -----------------------------------------------

# What a session's answer names besides itself: the patient, the course, the practitioner, and the note's id
# (read in the same query; the note's key is unique per clinic, so Django does not join it as a one-to-one).
_SESSION_NAMES = ("patient", "plan", "practitioner__membership")


def _with_note_id(sessions: QuerySet[TreatmentSession]) -> QuerySet[TreatmentSession]:
    note = ClinicalNote.objects.filter(clinic_id=OuterRef("clinic_id"), session_id=OuterRef("pk"))
    return sessions.annotate(note_public_id=Subquery(note.values("public_id")[:1]))


def list_patient_sessions(user, patient) -> QuerySet[TreatmentSession]:
    """A patient's sessions, scoped to the user's clinic."""
    return _with_note_id(
        TreatmentSession.objects.for_user(user).filter(patient=patient).select_related(*_SESSION_NAMES)
    )


def get_session_detail(user, public_id) -> TreatmentSession:
    """One session with its points and their holds, needling, techniques and overrides, each read in one query."""
    points = SessionPoint.objects.prefetch_related(Prefetch("holds", queryset=Hold.objects.order_by("number")))
    return get_object_or_404(
        _with_note_id(TreatmentSession.objects.for_user(user))
        .select_related(*_SESSION_NAMES)
        .prefetch_related(Prefetch("points", queryset=points), "needling", "techniques", "overrides"),
        public_id=public_id,
    )


def _notes(user) -> QuerySet[ClinicalNote]:
    revisions = NoteRevision.objects.select_related("by").order_by("number")
    return (
        ClinicalNote.objects.for_user(user)
        .select_related("session__patient", "patient", "signed_by")
        .prefetch_related(Prefetch("revisions", queryset=revisions))
    )


def list_patient_notes(user, patient) -> QuerySet[ClinicalNote]:
    """A patient's notes with their revisions (the signed text and each amendment)."""
    return _notes(user).filter(patient=patient)


def get_note_detail(user, public_id) -> ClinicalNote:
    """One note by its own id, with its revisions."""
    return get_object_or_404(_notes(user), public_id=public_id)


def get_session_note(user, session) -> ClinicalNote:
    """The note of a session (404 while the session is in progress: it has none yet)."""
    return get_object_or_404(_notes(user), session=session)
