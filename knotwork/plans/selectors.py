"""Reads of treatment plans, scoped to the acting user's clinic."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from knotwork.plans.models import TreatmentPlan


def list_plans(user, *, patient=None) -> QuerySet[TreatmentPlan]:
    plans = TreatmentPlan.objects.for_user(user).select_related("patient", "practitioner")
    if patient is not None:
        plans = plans.filter(patient=patient)
    return plans


def get_plan(user, plan_id) -> TreatmentPlan:
    return get_object_or_404(list_plans(user), public_id=plan_id)
