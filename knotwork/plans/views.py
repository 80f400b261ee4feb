from django.shortcuts import render

from knotwork.clinics.models import CLINICAL_ROLES, Role
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.plans import selectors


@clinic_member(*CLINICAL_ROLES, Role.FRONT_DESK)
def plan_detail(request: ClinicRequest, plan_id):
    plan = selectors.get_plan(request.user, plan_id)
    return render(request, "plans/treatmentplan_detail.html", {"plan": plan, "patient": plan.patient})
