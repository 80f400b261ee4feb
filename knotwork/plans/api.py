"""The JSON API of plans (docs/api.md): a patient's courses of treatment and their goals.

Every write goes through knotwork.plans.services (so the policy and the clinic's limits apply as in the browser);
every read of a course is recorded in the audit trail.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from knotwork.assessment.selectors import get_diagnosis
from knotwork.audit.services import record_view
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient
from knotwork.plans import selectors, services
from knotwork.plans.schemas import GoalIn, GoalMetIn, GoalOut, PlanDetailOut, PlanEndIn, PlanIn, PlanOut, PlanPatch
from knotwork.scheduling.selectors import get_practitioner

router = Router(tags=["plans"])


def referenced(find: Callable[[], Any], field: str, what: str) -> Any:
    """A record the body names by id; one of another clinic, or none, is the body's mistake (422), not a 404."""
    try:
        return find()
    except Http404:
        raise HttpError(422, f"{field}: no {what} of this clinic has this id.") from None


@router.get(
    "/patients/{uuid:patient_id}/plans",
    response=list[PlanOut],
    operation_id="listPatientPlans",
    summary="A patient's courses of treatment, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_plans(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_plans(request.auth, patient)


@router.post(
    "/patients/{uuid:patient_id}/plans",
    response={201: PlanDetailOut},
    operation_id="createPlan",
    summary="Start a course of treatment (window and session limit default to the clinic's settings)",
)
def create_plan(request, patient_id: UUID, payload: PlanIn):
    patient = get_patient(request.auth, patient_id)
    practitioner = request.auth
    if payload.practitioner is not None:
        membership = referenced(
            lambda: get_practitioner(request.auth, payload.practitioner), "practitioner", "practitioner"
        )
        practitioner = membership.user
    diagnosis = None
    if payload.diagnosis is not None:
        diagnosis = referenced(lambda: get_diagnosis(request.auth, payload.diagnosis), "diagnosis", "diagnosis")
    plan = services.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=request.auth,
        starts_on=payload.starts_on,
        techniques=[technique.value for technique in payload.techniques],
        diagnosis=diagnosis,
        window_days_min=payload.window_days_min,
        window_days_max=payload.window_days_max,
        max_sessions=payload.max_sessions,
        notes=payload.notes,
        goals=[goal.dict() for goal in payload.goals],
        override_reason=payload.override_reason,
    )
    return Status(201, selectors.get_plan_detail(request.auth, plan.public_id))


@router.get(
    "/plans/{uuid:plan_id}",
    response=PlanDetailOut,
    operation_id="getPlan",
    summary="One course: goals, home program, sessions and appointments",
)
def get_plan(request, plan_id: UUID):
    plan = selectors.get_plan_detail(request.auth, plan_id)
    record_view(instance=plan, by=request.auth, shown_in="API")
    return plan


@router.patch(
    "/plans/{uuid:plan_id}",
    response=PlanDetailOut,
    operation_id="updatePlan",
    summary="Change a running course's details (only the fields sent)",
)
def update_plan(request, plan_id: UUID, payload: PlanPatch):
    plan = selectors.get_plan(request.auth, plan_id)
    changes = payload.dict(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise HttpError(422, f"{field} cannot be null; leave it out to keep its value.")
    if "techniques" in changes:
        changes["techniques"] = [technique.value for technique in payload.techniques or []]
    services.update_plan(plan=plan, by=request.auth, **changes)
    return selectors.get_plan_detail(request.auth, plan_id)


@router.post(
    "/plans/{uuid:plan_id}/actions/end",
    response=PlanDetailOut,
    operation_id="endPlan",
    summary="End a course as completed (reviewed) or stopped (with a reason)",
)
def end_plan(request, plan_id: UUID, payload: PlanEndIn):
    plan = selectors.get_plan(request.auth, plan_id)
    services.end_plan(
        plan=plan,
        by=request.auth,
        status=payload.status,
        reason=payload.reason,
        cancel_appointments=payload.cancel_appointments,
    )
    return selectors.get_plan_detail(request.auth, plan_id)


@router.post(
    "/plans/{uuid:plan_id}/goals",
    response={201: GoalOut},
    operation_id="addGoal",
    summary="Add a measurable goal to a running course",
)
def add_goal(request, plan_id: UUID, payload: GoalIn):
    plan = selectors.get_plan(request.auth, plan_id)
    return Status(201, services.add_goal(plan=plan, by=request.auth, **payload.dict()))


@router.post(
    "/plans/{uuid:plan_id}/goals/{uuid:goal_id}/actions/mark-met",
    response=GoalOut,
    operation_id="markGoalMet",
    summary="Mark a goal met (today, or the day given)",
)
def mark_goal_met(request, plan_id: UUID, goal_id: UUID, payload: GoalMetIn):
    plan = selectors.get_plan(request.auth, plan_id)
    goal = selectors.get_goal(request.auth, plan, goal_id)
    return services.mark_goal_met(goal=goal, by=request.auth, met_on=payload.met_on)
