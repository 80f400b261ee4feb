"""Reads of treatment plans, scoped to the acting user's clinic."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from knotwork.plans.models import HomeExercise, PlanStatus, TreatmentPlan


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
