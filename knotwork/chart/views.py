"""The patient chart and the course page: the pages that show a patient's whole record at once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

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


@clinic_member()
def patient_chart(request: ClinicRequest, public_id):
    patient = get_patient(request.user, public_id)
    record_view(instance=patient, by=request.user)
    status_form = PatientStatusForm()
    status_form.fields["status"].choices = [("", "Choose…")] + [
        (s.value, s.label) for s in ALLOWED_STATUS_CHANGES[PatientStatus(patient.status)]
    ]
    context = {"patient": patient, "chart": selectors.patient_chart(request.user, patient), "status_form": status_form}
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
