from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from knotwork.treatment.models import ClinicalNote, Hold, SessionPoint, SessionStatus, TreatmentSession


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


def get_note(user, session) -> ClinicalNote:
    return get_object_or_404(ClinicalNote.objects.for_user(user), session=session)


def list_sessions(patient) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.filter(patient=patient).select_related("practitioner", "note")


def course_end_refusal(*, plan) -> str | None:
    """Why a course cannot end yet (registered on knotwork.plans.hooks.course_ending): a session still open."""
    if TreatmentSession.objects.filter(plan=plan, status=SessionStatus.IN_PROGRESS).exists():
        return "A session of this course is still in progress: finish it first."
    return None
