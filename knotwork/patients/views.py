from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_view, record_views
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.patients import selectors, services
from knotwork.patients.forms import PatientForm, PatientSearchForm, PatientStatusForm, ReferringClinicianForm
from knotwork.patients.models import ALLOWED_STATUS_CHANGES, PatientStatus

PAGE_SIZE = 25


@clinic_member()
def patient_list(request: ClinicRequest):
    search = PatientSearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    status = search.cleaned_data.get("status", "")
    patients = selectors.list_patients(request.user, query=query, status=status)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    record_views(instances=page.object_list, by=request.user)
    context = {"search": search, "page": page, "query": query, "status": status}
    template = "patients/patient_list.html"
    if request.htmx and request.htmx.target == "patient-results":
        template += "#results"
    return render(request, template, context)


def _save_patient(request: ClinicRequest, form: PatientForm, patient=None):
    """Validate, warn about a likely duplicate, then call the service; return a redirect or None."""
    if not form.is_valid():
        return None
    data = form.patient_data()
    duplicates = selectors.find_possible_duplicates(
        request.user,
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        exclude=patient,
    )
    if duplicates.exists() and request.POST.get("confirm_not_duplicate") != "yes":
        form.duplicates = list(duplicates[:5])
        return None
    try:
        if patient is None:
            patient = services.register_patient(
                clinic=request.clinic, by=request.user, new_referrer=form.new_referrer_data(), **data
            )
            messages.success(request, f"{patient.display_name} is registered with chart number {patient.chart_number}.")
        else:
            patient = services.update_patient(
                patient=patient, by=request.user, new_referrer=form.new_referrer_data(), **data
            )
            messages.success(request, "The patient's details are saved.")
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    except ClinicRuleError as error:
        form.add_error(None, str(error))
        return None
    return redirect(patient)


@clinic_member()
@require_http_methods(["GET", "POST"])
def patient_create(request: ClinicRequest):
    referrers = selectors.list_referring_clinicians(request.user)
    form = PatientForm(request.POST or None, referrers=referrers)
    if request.method == "POST" and (response := _save_patient(request, form)):
        return response
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@clinic_member()
@require_http_methods(["GET", "POST"])
def patient_edit(request: ClinicRequest, public_id):
    patient = selectors.get_patient(request.user, public_id)
    if request.method == "GET":
        record_view(instance=patient, by=request.user)
    referrers = selectors.list_referring_clinicians(request.user)
    form = PatientForm(request.POST or None, instance=patient, referrers=referrers)
    if request.method == "POST" and (response := _save_patient(request, form, patient)):
        return response
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@clinic_member()
def patient_detail(request: ClinicRequest, public_id):
    patient = selectors.get_patient(request.user, public_id)
    record_view(instance=patient, by=request.user)
    status_choices = [("", "Choose…")] + [
        (s.value, s.label) for s in ALLOWED_STATUS_CHANGES[PatientStatus(patient.status)]
    ]
    status_form = PatientStatusForm()
    status_form.fields["status"].choices = status_choices
    context = {
        "patient": patient,
        "status_form": status_form,
        **chart_assessment_context(patient),
        **chart_course_context(request.user, patient),
    }
    return render(request, "patients/patient_detail.html", context)


def chart_course_context(user, patient) -> dict:
    """The chart's view of the course: the plan, upcoming appointments, check-ins, open flags, the care link."""
    from django.utils import timezone

    from knotwork.followup import selectors as followup
    from knotwork.outcomes.selectors import list_questionnaires
    from knotwork.plans.selectors import list_plans
    from knotwork.portal.models import LinkPurpose
    from knotwork.scheduling.selectors import list_upcoming_for_patient

    plans = list(list_plans(user, patient=patient)[:3])
    care_link = patient.links.filter(purpose=LinkPurpose.CARE).order_by("-created_at").first()
    return {
        "plan": next((p for p in plans if p.status == "active"), None),
        "past_plans": [p for p in plans if p.status != "active"],
        "upcoming": list(list_upcoming_for_patient(patient, now=timezone.now())[:5]),
        "open_flags": list(followup.list_open_flags(user).filter(patient=patient)),
        "recent_check_ins": list(followup.list_check_ins(user, patient=patient).order_by("-due_at")[:4]),
        "care_link": care_link if care_link and care_link.state == "open" else None,
        "questionnaires": list(list_questionnaires(user, patient)[:4]),
    }


def chart_assessment_context(patient) -> dict:
    """The chart's view of the assessment: safety screen, consents per technique, referrals, examinations."""
    from knotwork.assessment.models import ReferralStatus, Technique
    from knotwork.assessment.selectors import chart_assessment, technique_status

    assessment = chart_assessment(patient)
    labels = {
        "ok": "clear",
        "hold": "on hold",
        "contraindicated": "contraindicated",
        "precaution": "precautions",
        "unscreened": "not screened",
    }
    statuses = []
    for value, label in Technique.choices:
        status = technique_status(assessment["screen"], value)
        statuses.append(
            {
                "value": value,
                "label": label,
                "status": status,
                "status_label": labels[status],
                "consent": assessment["consents"].get(value),
            }
        )
    from knotwork.atlas.selectors import DrawnRegion

    intake = assessment["intake"]
    latest_exam = assessment["examinations"][0] if assessment["examinations"] else None
    body = {
        "drawing": [DrawnRegion(m["region"], m["intensity"], m["quality"]) for m in intake.drawing] if intake else [],
        "points": [
            {"view": p.view, "x": p.x, "y": p.y, "active": p.is_active, "label": f"{p.muscle} ({p.side})"}
            for p in latest_exam.trigger_points.all()
        ]
        if latest_exam
        else [],
    }
    from knotwork.treatment.selectors import list_sessions

    return {
        "assessment": assessment,
        "sessions": list_sessions(patient),
        "technique_statuses": statuses,
        "referral_statuses": ReferralStatus.choices,
        "body": body,
    }


@clinic_member()
@require_POST
def patient_status(request: ClinicRequest, public_id):
    patient = selectors.get_patient(request.user, public_id)
    form = PatientStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_patient_status(
                patient=patient, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, f"Status changed to {PatientStatus(form.cleaned_data['status']).label.lower()}.")
        except ClinicRuleError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Choose a valid status.")
    return redirect(patient)


@clinic_member()
def referrer_list(request: ClinicRequest):
    referrers = selectors.list_referring_clinicians(request.user)
    return render(request, "patients/referringclinician_list.html", {"referrers": referrers})


@clinic_member()
@require_http_methods(["GET", "POST"])
def referrer_edit(request: ClinicRequest, public_id=None):
    referrer = selectors.get_referring_clinician(request.user, public_id) if public_id else None
    form = ReferringClinicianForm(request.POST or None, instance=referrer)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_referring_clinician(
                clinic=request.clinic, by=request.user, referrer=referrer, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Referring clinician saved.")
            return redirect("patients:referrer_list")
    return render(request, "patients/referringclinician_form.html", {"form": form, "referrer": referrer})
