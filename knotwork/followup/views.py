"""The practitioner's day: appointments, flags, check-ins and courses to review; and a patient's follow-up."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_patients_shown, record_view
from knotwork.core import policy
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.followup import hooks, selectors, services
from knotwork.followup.forms import QuestionnaireRequestForm, ResolveFlagForm
from knotwork.followup.models import CHECK_IN_ANSWER_WINDOW, CheckInStatus
from knotwork.outcomes.selectors import courses_ending_soon
from knotwork.patients.selectors import get_patient
from knotwork.plans.selectors import current_plan_for_patient
from knotwork.scheduling.selectors import list_appointments


@clinic_member()
def dashboard(request: ClinicRequest):
    # Staff who do not treat (the front desk) have no patients of their own: they see everyone's day.
    everyone = request.GET.get("who") == "everyone" or not policy.can(request.user, "start_session")
    mine = None if everyone else request.user
    now = timezone.now()
    today = timezone.localdate()
    day_start = datetime.datetime.combine(today, datetime.time.min, tzinfo=request.clinic.tzinfo)
    appointments = list_appointments(
        request.user, start=day_start, end=day_start + datetime.timedelta(days=1), practitioner=mine
    )
    context = {
        "everyone": everyone,
        "today": today,
        "now": now,
        "appointments": appointments,
        "flags": selectors.list_open_flags(request.user, practitioner=mine),
        "awaiting": selectors.check_ins_awaiting(request.user, now=now, practitioner=mine),
        "missed": selectors.check_ins_missed(request.user, now=now, practitioner=mine),
        "courses": courses_ending_soon(request.user, today=today, practitioner=mine),
        "resolve_form": ResolveFlagForm(),
        # Messages the clinic should know did not reach the patient (the front desk calls them instead).
        "undelivered": list(selectors.messages_not_delivered(request.user, now=now)),
    }
    shown = ("appointments", "flags", "awaiting", "missed", "courses", "undelivered")
    record_patients_shown(records=[row for key in shown for row in context[key]], by=request.user, shown_in="today")
    return render(request, "followup/dashboard.html", context)


@clinic_member(may="resolve_flag")
@require_http_methods(["GET", "POST"])
def flag_resolve(request: ClinicRequest, flag_id):
    flag = selectors.get_flag(request.user, flag_id)
    if request.method == "GET":
        record_view(instance=flag, by=request.user)
    form = ResolveFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_flag(flag=flag, by=request.user, resolution=form.cleaned_data["resolution"])
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Flag resolved for {flag.patient.display_name}.")
            return redirect(request.POST.get("next") or "followup:dashboard")
    return render(request, "followup/flag_resolve.html", {"flag": flag, "form": form, "patient": flag.patient})


@clinic_member()
def patient_follow_up(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    record_view(instance=patient, by=request.user, shown_in="follow-up")
    return render(
        request,
        "followup/patient_follow_up.html",
        {
            "patient": patient,
            "check_ins": selectors.list_check_ins(request.user, patient=patient),
            "flags": selectors.list_flags(request.user, patient=patient),
            "diary": selectors.diary_for_patient(patient)[:60],
            "requests": selectors.list_questionnaire_requests(request.user, patient=patient),
            "request_form": QuestionnaireRequestForm(),
            "now": timezone.now(),
        },
    )


@clinic_member()
@require_POST
def questionnaire_request(request: ClinicRequest, patient_id):
    """Ask the patient to fill a questionnaire on their care page (and send them the page)."""
    patient = get_patient(request.user, patient_id)
    form = QuestionnaireRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a questionnaire and when it is for.")
        return redirect("followup:patient", patient_id=patient.public_id)
    try:
        asked = services.request_questionnaire(
            patient=patient,
            instrument=form.cleaned_data["instrument"],
            occasion=form.cleaned_data["occasion"],
            plan=current_plan_for_patient(patient),
            by=request.user,
        )
    except ClinicRuleError as error:
        messages.error(request, str(error))
        return redirect("followup:patient", patient_id=patient.public_id)
    text = f"{asked.instrument_label} ({asked.occasion_label.lower()}) is on the patient's care page."
    if form.cleaned_data["send_link"]:
        _link, token = hooks.patient_link.one()(patient=patient, purpose="care", by=request.user)
        sent = "emailed to them, " if patient.email else "no email on file, "
        text += f" A new care page link ({sent}replacing the old one): {hooks.link_url.one()(token)}"
    messages.success(request, text)
    return redirect("followup:patient", patient_id=patient.public_id)


@clinic_member()
@require_POST
def questionnaire_withdraw(request: ClinicRequest, request_id):
    asked = selectors.get_questionnaire_request(request.user, request_id)
    services.withdraw_questionnaire_request(questionnaire_request=asked, by=request.user)
    messages.success(request, f"{asked.instrument_label} taken off the patient's care page.")
    return redirect("followup:patient", patient_id=asked.patient.public_id)


@clinic_member()
@require_POST
def check_in_link(request: ClinicRequest, check_in_id):
    """A fresh link for a check-in (to read out on the phone or send again); the old one stops working."""
    check_in = selectors.get_check_in(request.user, check_in_id)
    now = timezone.now()
    if check_in.status not in (CheckInStatus.SCHEDULED, CheckInStatus.SENT):
        messages.error(request, f"This check-in is {check_in.get_status_display().lower()}.")
    elif now < check_in.due_at:
        messages.error(request, f"This check-in opens on {timezone.localtime(check_in.due_at):%a %d %b at %H:%M}.")
    else:
        # Open a day from now: a check-in missed by email can still be answered on the phone or from a new link.
        link, token = hooks.check_in_link.one()(
            check_in=check_in, expires_at=now + CHECK_IN_ANSWER_WINDOW, by=request.user
        )
        messages.success(
            request,
            f"New check-in link (works once, until {timezone.localtime(link.expires_at):%a %d %b %H:%M}): "
            f"{hooks.link_url.one()(token)}",
        )
    return redirect("followup:patient", patient_id=check_in.patient.public_id)
