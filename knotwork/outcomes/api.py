"""Questionnaires through the API: a patient's responses (cursor pages, audited), one response, and recording one."""

from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from knotwork.audit.services import record_view
from knotwork.outcomes import selectors, services
from knotwork.outcomes.schemas import QuestionnaireFilter, QuestionnaireIn, QuestionnaireOut
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient

router = Router(tags=["outcomes"])


@router.get(
    "/patients/{uuid:patient_id}/questionnaires",
    response=list[QuestionnaireOut],
    operation_id="listPatientQuestionnaires",
    summary="A patient's questionnaire responses with their scores, oldest change first (cursor pages)",
)
@paginate(AuditedCursorPagination)
def list_questionnaires(request, patient_id: UUID, filters: Query[QuestionnaireFilter]):
    patient = get_patient(request.auth, patient_id)
    return selectors.list_questionnaires(request.auth, patient, instrument=filters.instrument or "")


@router.get(
    "/patients/{uuid:patient_id}/questionnaires/{uuid:response_id}",
    response=QuestionnaireOut,
    operation_id="getPatientQuestionnaire",
    summary="One questionnaire response with its score (the read is audited)",
)
def get_questionnaire(request, patient_id: UUID, response_id: UUID):
    patient = get_patient(request.auth, patient_id)
    response = selectors.get_questionnaire(request.auth, response_id)
    if response.patient_id != patient.pk:
        raise Http404
    record_view(instance=response, by=request.auth, shown_in="API")
    return response


@router.post(
    "/patients/{uuid:patient_id}/questionnaires",
    response={201: QuestionnaireOut},
    operation_id="recordQuestionnaire",
    summary="Record a questionnaire; answers are scored exactly (null = skipped), impossible answers refused",
)
def record_questionnaire(request, patient_id: UUID, payload: QuestionnaireIn):
    patient = get_patient(request.auth, patient_id)
    session = selectors.get_patient_session(request.auth, patient, payload.session) if payload.session else None
    plan = selectors.get_patient_plan(request.auth, patient, payload.plan) if payload.plan else None
    if plan is None and session is not None and session.plan_id:
        plan = session.plan
    taken_at = payload.taken_at
    if taken_at is not None and timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at, patient.clinic.tzinfo)
    response = services.record_questionnaire(
        patient=patient,
        instrument=payload.instrument,
        occasion=payload.occasion,
        answers=payload.answers,
        activities=payload.activities,
        by=request.auth,
        session=session,
        plan=plan,
        taken_at=taken_at,
    )
    return Status(201, response)
