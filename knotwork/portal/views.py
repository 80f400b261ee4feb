"""The patient's side: one private link opens one form, no account needed.

The link's address (`/p/<token>/`) is opened once: it remembers the link in the browser's session for a short
while and redirects to an address without the token (`/p/care/`, `/p/intake/` ...), so the token is in one
request's address only, never in the pages' addresses, their links, the browser history or a `Referer`. The
session holds one link of each kind (an intake and a consent link open in two tabs both keep working).
"""

import time
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotwork.assessment.forms import IntakeForm
from knotwork.assessment.models import IntakeStatus
from knotwork.assessment.views import consent_page, handle_intake_post, intake_context
from knotwork.audit.services import record_view
from knotwork.booking import selectors as booking_selectors
from knotwork.booking import services as booking
from knotwork.booking.forms import JoinWaitlistForm
from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import add_service_errors
from knotwork.core.middleware import client_ip_address
from knotwork.core.policy import NotAllowed, PatientLinkActor
from knotwork.followup import selectors as followup_selectors
from knotwork.followup import services as followup
from knotwork.followup.forms import CheckInForm, DiaryForm
from knotwork.outcomes.views import questionnaire_page
from knotwork.patients.selectors import get_patient
from knotwork.plans import selectors as plan_selectors
from knotwork.portal import selectors, services
from knotwork.portal.forms import CancelVisitForm, ConsentPacketForm, MoveVisitForm
from knotwork.portal.models import LINK_GUESS_WINDOW, LinkPurpose
from knotwork.reports.selectors import aftercare_context
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.ics import appointment_ics as build_ics
from knotwork.scheduling.selectors import list_upcoming_for_patient
from knotwork.scheduling.services.rules import local_when_text


@clinic_member()
@require_POST
def link_create(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    purpose = request.POST.get("purpose", "")
    technique = request.POST.get("technique", "")
    try:
        link, token = services.create_patient_link(
            patient=patient, purpose=purpose, technique=technique, by=request.user
        )
    except ClinicRuleError as error:
        messages.error(request, str(error))
        return redirect(patient)
    except ValueError:
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


def _closed(request, link, state: str = ""):
    state = state or (link.state if link else "unknown")
    return render(request, "portal/link_closed.html", {"link": link, "state": state}, status=410 if link else 404)


# --- Opening a link: its token is in the first request's address, and nowhere after --------------------------------

# The page each kind of link opens, at an address without the token.
LINK_PAGES = {
    LinkPurpose.CARE: "portal:care",
    LinkPurpose.INTAKE: "portal:intake",
    LinkPurpose.CONSENT: "portal:consent",
    LinkPurpose.CHECK_IN: "portal:answer_check_in",
    LinkPurpose.CONSENTS: "portal:consents",
}
# The session remembers the link it opened of each kind until this long after the patient's last page of it.
VISIT_KEY = "knotwork_patient_links"
VISIT_IDLE = timedelta(minutes=60)


@public
@never_cache
@require_GET
def entry(request, token: str):
    """Open the link behind `token` in this browser's session and continue at its page, without the token."""
    if request.user.is_authenticated:
        return _staff_signed_in(request)
    client = client_ip_address(request) or ""
    if selectors.link_guessing_blocked(client):
        return _too_many_attempts(request)
    link = services.find_link(token)
    if link is None:
        services.record_failed_lookup(client_address=client)
        return _closed(request, None)
    refused = _refusal(request, link)
    if refused is not None:
        return refused
    request.session.cycle_key()  # a new session key whenever a link is opened
    _remember(request, link.purpose, link.pk, time.time())
    return redirect(LINK_PAGES[link.purpose])


def _remember(request, purpose: str, link_id: int | None, now: float) -> None:
    """Keep (or, with no link, forget) the session's link of this kind; forget those idle too long."""
    visits = {
        kind: visit
        for kind, visit in (request.session.get(VISIT_KEY) or {}).items()
        if kind != purpose and 0 <= now - visit["seen"] <= VISIT_IDLE.total_seconds()
    }
    if link_id is not None:
        visits[purpose] = {"link": link_id, "seen": now}
    request.session[VISIT_KEY] = visits


def _refusal(request, link):
    """The page saying why `link` opens nothing now, or None while it works."""
    if link.purpose == LinkPurpose.CHECK_IN and link.check_in is not None:
        return _check_in_closed(request, link, link.check_in)  # says which: answered, missed, replaced ...
    if link.state != "open" or link.purpose == LinkPurpose.CHECK_IN:
        return _closed(request, link)
    if link.purpose == LinkPurpose.INTAKE and (link.intake is None or link.intake.status != IntakeStatus.DRAFT):
        return _closed(request, link, "used")
    return None


def _visit(request, purpose: str, *, lock: bool = False):
    """The link this browser's session opened, for a page of `purpose`: (link, None), or (None, why not).

    Locked for the rest of the transaction when `lock`: one submission at a time per link, so a double submit
    waits, then finds the form done.
    """
    if request.user.is_authenticated:
        return None, _staff_signed_in(request)
    visit = (request.session.get(VISIT_KEY) or {}).get(purpose)
    now = time.time()
    if visit is None or not 0 <= now - visit["seen"] <= VISIT_IDLE.total_seconds():
        if visit is not None:
            _remember(request, purpose, None, now)
        return None, _visit_needed(request)
    link = selectors.get_visited_link(visit["link"], lock=lock)
    if link is None or link.purpose != purpose:
        return None, _visit_needed(request)
    refused = _refusal(request, link)
    if refused is not None:
        return None, refused
    _remember(request, purpose, link.pk, now)
    return link, None


def _visit_needed(request):
    context = {"idle_minutes": int(VISIT_IDLE.total_seconds() // 60)}
    return render(request, "portal/visit_needed.html", context, status=403)


def _staff_signed_in(request):
    """Staff and patient sessions never mix: a signed-in browser opens no patient link and no patient page."""
    request.session.pop(VISIT_KEY, None)
    return render(request, "portal/staff_signed_in.html", status=403)


def _too_many_attempts(request):
    minutes = int(LINK_GUESS_WINDOW.total_seconds() // 60)
    response = render(request, "portal/too_many_attempts.html", {"window_minutes": minutes}, status=429)
    response["Retry-After"] = str(int(LINK_GUESS_WINDOW.total_seconds()))
    return response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def intake(request):
    """The intake form an intake link opens."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.INTAKE, lock=request.method == "POST")
        if refused is not None:
            return refused
        patient = link.patient
        intake = link.intake
        form = IntakeForm(request.POST or None, instance=intake, patient_facing=True)
        if request.method == "POST":

            def done(screen):
                services.mark_link_used(link=link)
                return render(request, "portal/thanks.html", {"patient": patient, "what": "your intake form"})

            response = handle_intake_post(request, intake, form, by=PatientLinkActor.of(link), on_submitted=done)
            if response is not None:
                return response
        record_view(instance=patient, by=PatientLinkActor.of(link), shown_in="intake form")
        return render(request, "assessment/intake_form.html", intake_context(form, intake, patient, portal=True))


@public
@never_cache
@require_http_methods(["GET", "POST"])
def consent(request):
    """The consent a consent link opens."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CONSENT, lock=request.method == "POST")
        if refused is not None:
            return refused
        return _consent_page(request, link)


def _consent_page(request, link):
    patient = link.patient

    def signed(consent):
        services.mark_link_used(link=link)
        return render(request, "portal/thanks.html", {"patient": patient, "what": "your consent"})

    record_view(instance=patient, by=PatientLinkActor.of(link), shown_in="consent form")
    return consent_page(
        request,
        patient=patient,
        technique=link.technique,
        via_link=True,
        by=PatientLinkActor.of(link),
        on_signed=signed,
        base_template="portal/base.html",
    )


# --- The care page: one reusable private link per patient for the course of treatment ---------------------------


def _portal_render(request, link, template: str, context: dict, status: int = 200):
    shown_in = template.removeprefix("portal/").removesuffix(".html").replace("_", " ")
    record_view(instance=link.patient, by=PatientLinkActor.of(link), shown_in=shown_in)
    with timezone.override(link.patient.clinic.tzinfo):
        context = {"link": link, "patient": link.patient, **context}
        return render(request, template, context, status=status)


@public
@never_cache
@require_GET
def care(request):
    """The care page a care link opens."""
    link, refused = _visit(request, LinkPurpose.CARE)
    if refused is not None:
        return refused
    services.note_visit(link=link)
    context = selectors.care_page_context(link.patient) | {"visit_idle_minutes": int(VISIT_IDLE.total_seconds() // 60)}
    return _portal_render(request, link, "portal/care.html", context)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def answer_check_in(request):
    """The check-in a check-in link opens."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CHECK_IN, lock=request.method == "POST")
        if refused is not None:
            return refused
        return _check_in_form(request, link, link.check_in)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def check_in(request, check_in_id):
    """A check-in opened from the care page; a closed one says why instead of showing the form."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CARE, lock=request.method == "POST")
        if refused is not None:
            return refused
        item = selectors.patient_check_in(link.patient, check_in_id)
        if item is None:
            raise Http404("No such check-in.")
        return _check_in_closed(request, link, item) or _check_in_form(request, link, item)


def _check_in_closed(request, link, check_in):
    """The page saying the check-in is closed (or not open yet), without its form; None while it can be answered."""
    reason = selectors.check_in_closed_reason(check_in, link=link)
    if not reason:
        return None
    context = {"check_in": check_in, "reason": reason}
    return _portal_render(
        request, link, "portal/check_in_closed.html", context, status=200 if reason == "not_yet" else 410
    )


def _check_in_form(request, link, item):
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            followup.record_check_in(check_in=item, by=PatientLinkActor.of(link), **form.cleaned_data)
        except ClinicRuleError as error:
            # Closed between opening and sending (answered elsewhere, withdrawn): say so, as on opening.
            item.refresh_from_db()
            if link.purpose == LinkPurpose.CHECK_IN:
                return _check_in_closed(request, link, item) or _closed(request, link, "used")
            return _back_to_care(request, link, error)
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
    return redirect("portal:care")


@public
@never_cache
@require_http_methods(["GET", "POST"])
def diary(request):
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CARE, lock=request.method == "POST")
        if refused is not None:
            return refused
        patient = link.patient
        today = timezone.localdate(timezone=patient.clinic.tzinfo)
        form = DiaryForm(request.POST or None, initial={"recorded_on": today})
        if request.method == "POST" and form.is_valid():
            try:
                followup.add_diary_entry(patient=patient, by=PatientLinkActor.of(link), **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved in your diary (one line a day: writing a day again replaces it).")
                return redirect("portal:diary")
        entries = followup_selectors.diary_for_patient(patient)[:30]
        return _portal_render(request, link, "portal/diary.html", {"form": form, "entries": entries})


@public
@never_cache
def home_program(request):
    link, refused = _visit(request, LinkPurpose.CARE)
    if refused is not None:
        return refused
    plan = plan_selectors.current_plan_for_patient(link.patient)
    exercises = plan_selectors.home_program(plan) if plan else []
    return _portal_render(request, link, "portal/home_program.html", {"plan": plan, "exercises": exercises})


@public
@never_cache
def aftercare(request, session_id):
    link, refused = _visit(request, LinkPurpose.CARE)
    if refused is not None:
        return refused
    session = get_object_or_404(selectors.aftercare_sessions(link.patient), public_id=session_id)
    plan = plan_selectors.current_plan_for_patient(link.patient)
    has_program = plan is not None and plan_selectors.home_program(plan).exists()
    return _portal_render(
        request, link, "portal/aftercare.html", aftercare_context(session) | {"has_program": has_program}
    )


@public
@never_cache
def appointment_ics(request, appointment_id):
    link, refused = _visit(request, LinkPurpose.CARE)
    if refused is not None:
        return refused
    appointment = get_object_or_404(
        list_upcoming_for_patient(link.patient, now=timezone.now()), public_id=appointment_id
    )
    record_view(instance=appointment, by=PatientLinkActor.of(link), shown_in="calendar file")
    response = HttpResponse(build_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.starts_at:%Y%m%d-%H%M}.ics"'
    return response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request, request_id):
    """A questionnaire the clinic asked for, filled by the patient on their care page."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CARE, lock=request.method == "POST")
        if refused is not None:
            return refused
        asked = get_object_or_404(followup_selectors.open_questionnaire_requests(link.patient), public_id=request_id)

        def saved(response):
            followup.complete_questionnaire_request(
                questionnaire_request=asked, response=response, by=PatientLinkActor.of(link)
            )
            messages.success(request, f"Thank you: your {asked.instrument_label} was sent to the clinic.")
            return redirect("portal:care")

        record_view(instance=link.patient, by=PatientLinkActor.of(link), shown_in="questionnaire")
        with timezone.override(link.patient.clinic.tzinfo):
            return questionnaire_page(
                request,
                patient=link.patient,
                instrument=asked.instrument,
                occasion=asked.occasion,
                by=PatientLinkActor.of(link),
                on_saved=saved,
                base_template="portal/base.html",
                plan=asked.plan,
                extra_context={"back_url": reverse("portal:care")},
            )


# --- moving and cancelling a visit from the care page ------------------------------------------------------------


def _visit_or_404(link, appointment_id):
    appointment = selectors.get_upcoming_visit(link.patient, appointment_id)
    if appointment is None:
        raise Http404("No such coming visit.")
    return appointment


def _call_instead(request, link, appointment, reason: str = "", status: int = 200):
    """The page saying this visit can only be changed by calling the clinic (why, and the number)."""
    context = {"appointment": appointment, "reason": reason, "hours": selectors.change_notice(appointment)}
    return _portal_render(request, link, "portal/visit_call.html", context, status=status)


def _changed(request, link, what: str) -> HttpResponse:
    sent = " We have sent you a confirmation." if link.patient.email else ""
    messages.success(request, f"{what}{sent}")
    return redirect("portal:care")


def _week_of_times(request, form, clinic) -> dict:
    """The free times of one week (`?week=0` is the first, up to MOVE_WEEKS_AHEAD), grouped by day.

    A phone shows one week, each day folded but the first: four weeks of quarter hours would be a very long page.
    """
    days: dict = {}
    for choice in form["starts_at"]:
        days.setdefault(form.slots[choice.data["value"]].astimezone(clinic.tzinfo).date(), []).append(choice)
    weeks = selectors.MOVE_WEEKS_AHEAD
    raw = request.POST.get("week") if request.method == "POST" else request.GET.get("week")
    week = int(raw) if raw in {str(n) for n in range(weeks)} else 0
    first = next(iter(days), None)
    shown = {day: choices for day, choices in days.items() if first and (day - first).days // 7 == week}
    return {
        "days": shown,
        "week": week,
        "weeks": weeks,
        "earlier": week - 1 if week > 0 else None,
        "later": week + 1 if first and any((day - first).days // 7 > week for day in days) else None,
        "any_times": bool(days),
    }


def _visit_to_change(request, appointment_id):
    """The care link (locked for a POST) and its patient's visit, or the answer instead: the link's refusal, or the
    page saying to call when the visit is within the clinic's notice (a form sent anyway is the service's to refuse).
    """
    link, refused = _visit(request, LinkPurpose.CARE, lock=request.method == "POST")
    if refused is not None:
        return None, None, refused
    appointment = _visit_or_404(link, appointment_id)
    if request.method == "GET" and not selectors.may_change_online(appointment):
        return link, appointment, _call_instead(request, link, appointment)
    return link, appointment, None


@public
@never_cache
@require_http_methods(["GET", "POST"])
def visit_move(request, appointment_id):
    """Move a visit to another free time of the same practitioner, tapped from a list (within the clinic's rules)."""
    with transaction.atomic():
        link, appointment, answer = _visit_to_change(request, appointment_id)
        if answer is not None:
            return answer
        clinic = appointment.clinic
        slots = selectors.free_times_for_move(appointment)
        form = MoveVisitForm(request.POST or None, slots=slots, tz=clinic.tzinfo)
        if request.method == "POST" and form.is_valid():
            try:
                moved = scheduling.move_appointment(
                    appointment=appointment, starts_at=form.cleaned_data["starts_at"], by=PatientLinkActor.of(link)
                )
            except NotAllowed as error:
                return _call_instead(request, link, appointment, str(error), status=403)
            except ClinicRuleError as error:
                if not selectors.may_change_online(appointment):
                    return _call_instead(request, link, appointment, str(error), status=409)
                form.add_error("starts_at", str(error))
            else:
                return _changed(request, link, f"Your visit is moved to {local_when_text(moved.starts_at, clinic)}.")
        context = {"appointment": appointment, "form": form, **_week_of_times(request, form, clinic)}
        return _portal_render(request, link, "portal/visit_move.html", context, status=400 if form.errors else 200)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def visit_cancel(request, appointment_id):
    """Cancel a visit, with a short reason for the clinic (within the clinic's rules)."""
    with transaction.atomic():
        link, appointment, answer = _visit_to_change(request, appointment_id)
        if answer is not None:
            return answer
        form = CancelVisitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                scheduling.cancel_appointment(
                    appointment=appointment, reason=form.reason_text(), by=PatientLinkActor.of(link)
                )
            except NotAllowed as error:
                return _call_instead(request, link, appointment, str(error), status=403)
            except ClinicRuleError as error:
                return _call_instead(request, link, appointment, str(error), status=409)
            when = local_when_text(appointment.starts_at, appointment.clinic)
            return _changed(request, link, f"Your visit of {when} is cancelled.")
        context = {"appointment": appointment, "form": form}
        return _portal_render(request, link, "portal/visit_cancel.html", context, status=400 if form.errors else 200)


# --- the consent forms link: every consent still needed, on one page ---------------------------------------------


@public
@never_cache
@require_http_methods(["GET", "POST"])
def consents(request):
    """Every consent form the patient still needs, read and agreed one by one, signed once."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CONSENTS, lock=request.method == "POST")
        if refused is not None:
            return refused
        patient = link.patient
        items = selectors.consent_packet_forms(patient, link.techniques)
        if not items:
            services.mark_link_used(link=link)
            return _portal_render(request, link, "portal/thanks.html", {"what": "your consent forms"})
        form = ConsentPacketForm(request.POST or None, items=items)
        if request.method == "POST" and form.is_valid():
            try:
                signed = services.sign_consent_packet(
                    link=link,
                    signed_name=form.cleaned_data["signed_name"],
                    signature=form.cleaned_data["signature"],
                    shown=form.shown(),
                    by=PatientLinkActor.of(link),
                )
            except ClinicRuleError as error:
                # A text the clinic changed meanwhile is shown afresh, to be read and agreed to again.
                data = request.POST.copy()
                items = selectors.consent_packet_forms(patient, link.techniques)
                for item in items:
                    if data.get(f"shown_{item['technique']}") != item["version"].body_hash:
                        data[f"shown_{item['technique']}"] = item["version"].body_hash
                        data.pop(f"agree_{item['technique']}", None)
                form = ConsentPacketForm(data, items=items)
                form.is_valid()
                form.add_error(None, str(error))
            else:
                what = f"your {len(signed)} consent form{'s' if len(signed) != 1 else ''}"
                return _portal_render(request, link, "portal/thanks.html", {"what": what})
        context = {"form": form, "items": form.bound_items()}
        return _portal_render(request, link, "portal/consent_packet.html", context, status=400 if form.errors else 200)


# --- the waitlist, from the care page ----------------------------------------------------------------------------


@public
@never_cache
@require_http_methods(["GET", "POST"])
def waitlist(request):
    """Ask to be offered an earlier time: the clinic's waitlist (online booking's), for this patient only."""
    with transaction.atomic():
        link, refused = _visit(request, LinkPurpose.CARE, lock=request.method == "POST")
        if refused is not None:
            return refused
        clinic = link.patient.clinic
        types = booking_selectors.bookable_types(booking_selectors.get_booking_settings(clinic))
        form = JoinWaitlistForm(request.POST or None, clinic=clinic, types=types)
        if request.method == "POST" and form.is_valid():
            try:
                booking.join_waitlist(patient=link.patient, by=PatientLinkActor.of(link), **form.service_arguments())
            except ClinicRuleError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "You are on the waitlist. When a time like that frees up, we will send you a message."
                )
                return redirect("portal:care")
        return _portal_render(request, link, "portal/waitlist.html", {"form": form}, status=400 if form.errors else 200)
