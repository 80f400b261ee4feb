"""Reads of treatment plans, scoped to the acting user's clinic."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from knotwork.plans.models import Goal, HomeExercise, PlanStatus, TreatmentPlan
from knotwork.scheduling.models import Appointment


def list_plans(user, *, patient=None) -> QuerySet[TreatmentPlan]:
    plans = TreatmentPlan.objects.for_user(user).select_related("patient", "practitioner")
    if patient is not None:
        plans = plans.filter(patient=patient)
    return plans


def get_plan(user, plan_id) -> TreatmentPlan:
    return get_object_or_404(list_plans(user), public_id=plan_id)


def current_plan_for_patient(patient) -> TreatmentPlan | None:
    """The patient's active course (the latest, if a clinic ever runs two); for the patient's own pages."""
    return TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).order_by("-starts_on").first()


def home_program(plan: TreatmentPlan) -> QuerySet[HomeExercise]:
    return plan.home_program.filter(removed_at=None)


# --- the API's reads (knotwork/plans/api.py) ---------------------------------------------------


def list_patient_plans(user, patient) -> QuerySet[TreatmentPlan]:
    """A patient's courses with what their answer names (practitioner, diagnosis), for a list of plans."""
    return list_plans(user, patient=patient).select_related("practitioner__membership", "diagnosis")


def get_plan_detail(user, plan_id) -> TreatmentPlan:
    """One course with its goals, home program, sessions and appointments, each read in one query."""
    plans = list_plans(user).select_related("practitioner__membership", "diagnosis")
    plans = plans.prefetch_related(
        "goals",
        Prefetch("home_program", queryset=HomeExercise.objects.filter(removed_at=None)),
        "sessions",
        Prefetch("appointments", queryset=Appointment.objects.select_related("appointment_type").order_by("starts_at")),
    )
    return get_object_or_404(plans, public_id=plan_id)


def get_goal(user, plan: TreatmentPlan, goal_id) -> Goal:
    return get_object_or_404(Goal.objects.for_user(user).filter(plan=plan), public_id=goal_id)
