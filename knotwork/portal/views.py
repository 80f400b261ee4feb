"""The patient's side: one private link opens one form, no account needed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.assessment.forms import IntakeForm
from knotwork.assessment.models import IntakeStatus
from knotwork.assessment.views import consent_page, handle_intake_post, intake_context
from knotwork.clinics.models import Role
from knotwork.clinics.services import ClinicRuleError
from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.core.forms import add_service_errors
from knotwork.followup import selectors as followup_selectors
from knotwork.followup import services as followup
from knotwork.followup.forms import CheckInForm, DiaryForm
from knotwork.followup.models import CheckInStatus
from knotwork.patients.selectors import get_patient
from knotwork.plans import selectors as plan_selectors
from knotwork.portal import selectors, services
from knotwork.portal.models import LinkPurpose
from knotwork.treatment.views import aftercare_context

STAFF = (Role.OWNER, Role.PRACTITIONER, Role.FRONT_DESK)


@clinic_member(*STAFF)
@require_POST
def link_create(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    purpose = request.POST.get("purpose", "")
    technique = request.POST.get("technique", "")
    try:
        link, token = services.create_patient_link(
            patient=patient, purpose=purpose, technique=technique, by=request.user
        )
    except (ClinicRuleError, ValueError):
        messages.error(request, "Choose what the link is for.")
        return redirect(patient)
    emailed = " and emailed to the patient" if patient.email else ""
    messages.success(
        request,
        f"Private {link.get_purpose_display().lower()} link created{emailed}. It works "
        f"{'as often as needed' if link.purpose == LinkPurpose.CARE else 'once'}, until "
        f"{link.expires_at:%b %d}: {services.link_url(token)}",
    )
    return redirect(patient)


def _closed(request, link, status=410):
    state = link.state if link else "unknown"
    return render(request, "portal/link_closed.html", {"link": link, "state": state}, status=status if link else 404)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def entry(request, token: str):
    if request.method == "POST":
        # One submission at a time per link: a double submit waits, then finds the link used.
        with transaction.atomic():
            link = services.find_link(token, lock=True)
            return _entry(request, link)
    return _entry(request, services.find_link(token))


def _entry(request, link):
    if link is None or link.state != "open":
        return _closed(request, link)
    patient = link.patient
    if link.purpose == LinkPurpose.CARE:
        return care_page(request, link)
    if link.purpose == LinkPurpose.CHECK_IN:
        if link.check_in is None or link.check_in.status == CheckInStatus.ANSWERED:
            return _closed(request, link)
        return _check_in_form(request, link, link.check_in)
    if link.purpose == LinkPurpose.INTAKE:
        intake = link.intake
        if intake is None or intake.status != IntakeStatus.DRAFT:
            return _closed(request, link)
        form = IntakeForm(request.POST or None, instance=intake, patient_facing=True)
        if request.method == "POST":

            def done(screen):
                services.mark_link_used(link=link)
                return render(request, "portal/thanks.html", {"patient": patient, "what": "your intake form"})

            response = handle_intake_post(request, intake, form, by=None, on_submitted=done)
            if response is not None:
                return response
        return render(request, "assessment/intake_form.html", intake_context(form, intake, patient, portal=True))

    def signed(consent):
        services.mark_link_used(link=link)
        return render(request, "portal/thanks.html", {"patient": patient, "what": "your consent"})

    return consent_page(
        request,
        patient=patient,
        technique=link.technique,
        via_link=True,
        by=None,
        on_signed=signed,
        base_template="portal/base.html",
    )


# --- The care page: one reusable private link per patient for the course of treatment ---------------------------


def _care_link(token: str, *, lock: bool = False):
    link = services.find_link(token, lock=lock)
    if link is None or link.state != "open" or link.purpose != LinkPurpose.CARE:
        return link, False
    return link, True


def _portal_render(request, link, template: str, context: dict, status: int = 200):
    with timezone.override(link.patient.clinic.tzinfo):
        token = request.resolver_match.kwargs["token"]
        context = {"link": link, "link_token": token, "patient": link.patient, **context}
        return render(request, template, context, status=status)


def care_page(request, link):
    services.note_visit(link=link)
    return _portal_render(request, link, "portal/care.html", selectors.care_page_context(link.patient))


@public
@never_cache
@require_http_methods(["GET", "POST"])
def check_in(request, token: str, check_in_id):
    """A check-in opened from the care page (the emailed check-in link opens `entry` directly)."""
    with transaction.atomic():
        link, ok = _care_link(token, lock=request.method == "POST")
        if not ok:
            return _closed(request, link)
        item = get_object_or_404(followup_selectors.open_check_ins(link.patient), public_id=check_in_id)
        return _check_in_form(request, link, item)


def _check_in_form(request, link, item):
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            followup.record_check_in(check_in=item, **form.cleaned_data)
        except ClinicRuleError as error:
            return (
                _closed(request, link) if link.purpose == LinkPurpose.CHECK_IN else _back_to_care(request, link, error)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if link.purpose == LinkPurpose.CHECK_IN:
                services.mark_link_used(link=link)
            return _portal_render(
                request, link, "portal/check_in_thanks.html", {"check_in": item, "answers": form.cleaned_data}
            )
    return _portal_render(request, link, "portal/check_in.html", {"form": form, "check_in": item})


def _back_to_care(request, link, error):
    messages.info(request, str(error))
    return redirect("portal:entry", token=request.resolver_match.kwargs["token"])


@public
@never_cache
@require_http_methods(["GET", "POST"])
def diary(request, token: str):
    with transaction.atomic():
        link, ok = _care_link(token, lock=request.method == "POST")
        if not ok:
            return _closed(request, link)
        patient = link.patient
        today = timezone.localdate(timezone=patient.clinic.tzinfo)
        form = DiaryForm(request.POST or None, initial={"recorded_on": today})
        if request.method == "POST" and form.is_valid():
            try:
                followup.add_diary_entry(patient=patient, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved in your diary (one line a day: writing a day again replaces it).")
                return redirect("portal:diary", token=token)
        entries = followup_selectors.diary_for_patient(patient)[:30]
        return _portal_render(request, link, "portal/diary.html", {"form": form, "entries": entries})


@public
@never_cache
def home_program(request, token: str):
    link, ok = _care_link(token)
    if not ok:
        return _closed(request, link)
    plan = plan_selectors.current_plan_for_patient(link.patient)
    exercises = plan_selectors.home_program(plan) if plan else []
    return _portal_render(request, link, "portal/home_program.html", {"plan": plan, "exercises": exercises})


@public
@never_cache
def aftercare(request, token: str, session_id):
    link, ok = _care_link(token)
    if not ok:
        return _closed(request, link)
    session = get_object_or_404(selectors.aftercare_sessions(link.patient), public_id=session_id)
    plan = plan_selectors.current_plan_for_patient(link.patient)
    has_program = plan is not None and plan_selectors.home_program(plan).exists()
    return _portal_render(
        request, link, "portal/aftercare.html", aftercare_context(session) | {"has_program": has_program}
    )


@public
@never_cache
def appointment_ics(request, token: str, appointment_id):
    from knotwork.scheduling.ics import appointment_ics as build_ics
    from knotwork.scheduling.selectors import list_upcoming_for_patient

    link, ok = _care_link(token)
    if not ok:
        return _closed(request, link)
    appointment = get_object_or_404(
        list_upcoming_for_patient(link.patient, now=timezone.now()), public_id=appointment_id
    )
    response = HttpResponse(build_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.starts_at:%Y%m%d-%H%M}.ics"'
    return response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request, token: str, request_id):
    """A questionnaire the clinic asked for, filled by the patient on their care page."""
    from knotwork.outcomes.views import questionnaire_page

    with transaction.atomic():
        link, ok = _care_link(token, lock=request.method == "POST")
        if not ok:
            return _closed(request, link)
        asked = get_object_or_404(followup_selectors.open_questionnaire_requests(link.patient), public_id=request_id)

        def saved(response):
            followup.complete_questionnaire_request(questionnaire_request=asked, response=response)
            messages.success(request, f"Thank you: your {asked.instrument_label} was sent to the clinic.")
            return redirect("portal:entry", token=token)

        with timezone.override(link.patient.clinic.tzinfo):
            return questionnaire_page(
                request,
                patient=link.patient,
                instrument=asked.instrument,
                occasion=asked.occasion,
                by=None,
                on_saved=saved,
                base_template="portal/base.html",
                plan=asked.plan,
                extra_context={"link_token": token, "back_url": reverse("portal:entry", args=[token])},
            )
