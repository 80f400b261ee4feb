"""The patient chart and the course page: the pages that show a patient's whole record at once."""

import hashlib
import json

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from knotwork.atlas.templatetags.body_map import body_map
from knotwork.audit.services import record_view
from knotwork.chart import selectors
from knotwork.core import policy
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.messaging import services as messaging
from knotwork.patients.forms import PatientStatusForm
from knotwork.patients.models import ALLOWED_STATUS_CHANGES, PatientStatus
from knotwork.patients.selectors import get_patient
from knotwork.plans.forms import EndPlanForm, GoalForm, HomeExerciseForm
from knotwork.plans.selectors import get_plan, home_program
from knotwork.reports.selectors import course_review_context

# Bump when the body map's markup changes, so no cached map of the old markup is shown.
BODY_MAP_VERSION = 1
BODY_MAP_SECONDS = 7 * 24 * 3600


def _body_map(inputs: list, *, prefix: str, caption: str, **marks) -> str:
    """One body map of the chart, drawn once per set of marks: the 310 region outlines of the atlas go through the
    template engine only when the drawing or the trigger points differ from the last view. The key is a hash of
    exactly what the map shows (`inputs`, the marks as plain values: no name or mark is in the key itself); a new
    intake or examination changes it."""
    canonical = json.dumps([BODY_MAP_VERSION, prefix, caption, inputs], sort_keys=True, separators=(",", ":"))
    key = f"chart-body-map:{hashlib.sha256(canonical.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("atlas/components/body_map.html", body_map(prefix=prefix, caption=caption, **marks))
        cache.set(key, html, timeout=BODY_MAP_SECONDS)
    return mark_safe(html)  # noqa: S308 (written by the template engine above, which escaped it)


def _body_maps(body: dict) -> dict[str, str]:
    maps = {}
    if body["drawing"]:
        drawn = [[d.region, d.intensity, d.quality] for d in body["drawing"]]
        maps["drawing"] = _body_map(
            drawn, drawing=body["drawing"], prefix="chart-drawing", caption="latest pain drawing"
        )
    if body["points"]:
        maps["points"] = _body_map(
            body["points"], points=body["points"], prefix="chart-points", caption="trigger points found"
        )
    return maps


@clinic_member()
def patient_chart(request: ClinicRequest, public_id):
    patient = get_patient(request.user, public_id)
    record_view(instance=patient, by=request.user)
    if patient.clinic_id == request.clinic.pk:
        patient.clinic = request.clinic  # found through the user's clinic: no second read of it
    status_form = PatientStatusForm()
    status_form.fields["status"].choices = [("", "Choose…")] + [
        (s.value, s.label) for s in ALLOWED_STATUS_CHANGES[PatientStatus(patient.status)]
    ]
    chart = selectors.patient_chart(request.user, patient)
    context = {"patient": patient, "chart": chart, "body_maps": _body_maps(chart.body), "status_form": status_form}
    return render(request, "chart/patient_chart.html", context)


@clinic_member()
def course(request: ClinicRequest, plan_id):
    """A course of treatment: the plan, its review (the same as the PDF's), goals, home program, appointments."""
    plan = get_plan(request.user, plan_id)
    record_view(instance=plan, by=request.user)
    return render(
        request,
        "chart/course.html",
        course_review_context(plan)
        | {
            "goals": plan.goals.all(),
            "exercises": home_program(plan),
            "appointments": plan.appointments.select_related("appointment_type", "practitioner").order_by("starts_at"),
            "sessions": plan.sessions.order_by("created_at"),
            "goal_form": GoalForm(prefix="goal"),
            "exercise_form": HomeExerciseForm(prefix="exercise"),
            "end_form": EndPlanForm(),
            "can_edit": policy.can(request.user, "update_plan", plan),
        },
    )


@clinic_member(may="record_text_consent")
@require_POST
def text_consent(request: ClinicRequest, public_id):
    """Record that the patient agrees to texts on the mobile number on file, or stop texts to them."""
    patient = get_patient(request.user, public_id)
    if request.POST.get("texts") == "stop":
        messaging.withdraw_text_consent(patient=patient, by=request.user)
        messages.success(request, "No more text messages will be sent to this patient.")
    elif not patient.phone:
        messages.error(request, "Record the patient's mobile number first (Edit details), then their agreement.")
    else:
        messaging.record_text_consent(patient=patient, phone=patient.phone.as_e164, by=request.user)
        messages.success(request, f"Texts agreed on {patient.phone}. Reminders and booking messages go by text too.")
    return redirect("chart:patient", public_id=patient.public_id)
