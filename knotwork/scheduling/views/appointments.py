"""Booking, the appointment page (move, cancel, attended, did not attend) and its .ics file."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from knotwork.audit.services import record_view
from knotwork.core import policy
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.selectors import list_patients
from knotwork.scheduling import clock, ics, selectors, services
from knotwork.scheduling.forms import (
    BookForm,
    CancelForm,
    MoveForm,
)
from knotwork.scheduling.models import AppointmentStatus
from knotwork.scheduling.views.links import calendar_url, chosen_practitioner, clinic_today, parse_date


def _book_initial(request: ClinicRequest, practitioners, query) -> tuple[dict, object, object]:
    """Prefill from the query string (chart link, calendar cell) or a "Show free times" post; ignore anything else.

    Notes are free text about the patient: they come only from a post, never from an address (addresses reach
    access logs and the browser's history).
    """
    clinic = request.clinic
    notes = query.get("notes", "")[:500] if query is request.POST else ""
    initial = {"date": parse_date(query.get("date"), clinic_today(clinic)), "notes": notes}
    patient = None
    if query.get("patient"):
        with contextlib.suppress(ValidationError):
            patient = list_patients(request.user).filter(public_id=query["patient"]).first()
    if patient is not None:
        initial["patient"] = patient.public_id
    member = chosen_practitioner(practitioners, query.get("practitioner"))
    if member is None:
        member = next((m for m in practitioners if m.user_id == request.user.pk), None)
    if member is not None:
        initial["practitioner"] = member.public_id
    appointment_type = None
    if query.get("appointment_type"):
        with contextlib.suppress(ValidationError):
            appointment_type = (
                selectors.list_appointment_types(request.user, active_only=True)
                .filter(public_id=query["appointment_type"])
                .first()
            )
    if appointment_type is not None:
        initial["appointment_type"] = appointment_type.public_id
    for name in ("time", "use_time"):  # a free time chosen ("use_time") wins over the time typed
        if query.get(name):
            with contextlib.suppress(ValueError):
                initial["time"] = datetime.time.fromisoformat(query[name])
    if query.get("allow_outside_hours"):
        initial["allow_outside_hours"] = True
    return initial, patient, (member, appointment_type)


def _free_times(request: ClinicRequest, initial: dict, member, appointment_type) -> list[str]:
    """The chosen practitioner's free start times on the chosen day; each is a button that posts the form back."""
    if member is None or appointment_type is None:
        return []
    slots = selectors.list_free_slots(
        practitioner=member.user, appointment_type=appointment_type, starts_on=initial["date"], ends_on=initial["date"]
    )
    tz = request.clinic.tzinfo
    return [f"{clock.local(slot, tz):%H:%M}" for slot in slots]


@clinic_member()
@require_http_methods(["GET", "POST"])
def book(request: ClinicRequest):
    """Book an appointment; `?patient=<public id>` (from the chart) and the calendar's cell links prefill it."""
    clinic = request.clinic
    practitioners = list(selectors.list_practitioners(request.user))
    # "Show free times" and a chosen free time post the form so far: show it again, unchecked, with the
    # practitioner's free times (the notes typed travel in the post, never in an address).
    finding = request.method == "POST" and ("find" in request.POST or "use_time" in request.POST)
    query = request.POST if finding else request.GET
    initial, prefilled_patient, (member, appointment_type) = _book_initial(request, practitioners, query)
    if prefilled_patient is not None and request.method == "GET":
        record_view(instance=prefilled_patient, by=request.user, shown_in="booking")
    bound = request.POST if request.method == "POST" and not finding else None
    form = BookForm(bound, initial=initial, user=request.user, clinic=clinic)
    if bound is not None and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.book_appointment(
                patient=data["patient"],
                practitioner=data["practitioner"].user,
                appointment_type=data["appointment_type"],
                starts_at=data["starts_at"],
                by=request.user,
                notes=data["notes"],
                allow_outside_hours=data["allow_outside_hours"],
            )
        except (ClinicRuleError, ValidationError) as error:
            form.add_error(None, str(error) if isinstance(error, ClinicRuleError) else error.messages)
        else:
            when = services.local_when_text(appointment.starts_at, clinic)
            messages.success(request, f"Booked {appointment.patient.display_name} for {when}.")
            if appointment.outside_hours:
                messages.warning(request, "This appointment is outside the practitioner's working hours.")
            local_day = clock.local(appointment.starts_at, clinic.tzinfo).date()
            return redirect(calendar_url(view="day", day=local_day))
    has_types = selectors.list_appointment_types(request.user, active_only=True).exists()
    context = {
        "form": form,
        "patient": prefilled_patient,
        "has_types": has_types,
        "time_zone": clinic.time_zone,
        "free_times": _free_times(request, initial, member, appointment_type) if bound is None else [],
        "looked_for_free_times": bound is None and member is not None and appointment_type is not None,
        "free_day": initial["date"],
        "free_with": member.user if member else None,
    }
    return render(request, "scheduling/appointment_form.html", context)


@clinic_member()
@require_http_methods(["GET", "POST"])
def appointment_detail(request: ClinicRequest, public_id):
    appointment = selectors.get_appointment(request.user, public_id)
    clinic = request.clinic
    action = request.POST.get("action")
    local_start = clock.local(appointment.starts_at, clinic.tzinfo)
    member = next(
        (m for m in selectors.list_practitioners(request.user) if m.user_id == appointment.practitioner_id), None
    )
    move_initial = {"date": local_start.date(), "time": local_start.time().replace(tzinfo=None)}
    if member is not None:
        move_initial["practitioner"] = member.public_id
    move_form = MoveForm(
        request.POST if action == "move" else None,
        initial=move_initial,
        user=request.user,
        clinic=clinic,
        prefix="move",
    )
    cancel_form = CancelForm(request.POST if action == "cancel" else None, prefix="cancel")
    error = None
    if request.method == "POST":
        try:
            if action == "move" and move_form.is_valid():
                data = move_form.cleaned_data
                appointment = services.move_appointment(
                    appointment=appointment,
                    starts_at=data["starts_at"],
                    by=request.user,
                    practitioner=data["practitioner"].user,
                    allow_outside_hours=data["allow_outside_hours"],
                )
                when = services.local_when_text(appointment.starts_at, clinic)
                messages.success(request, f"Moved to {when}.")
                return redirect(appointment)
            if action == "cancel" and cancel_form.is_valid():
                services.cancel_appointment(appointment=appointment, by=request.user, **cancel_form.cleaned_data)
                messages.success(request, "Appointment cancelled; the time is free again.")
                return redirect(appointment)
            if action == "no_show":
                services.mark_no_show(appointment=appointment, by=request.user)
                messages.success(request, "Marked as did not attend; the time is free again.")
                return redirect(appointment)
            if action == "attended":
                services.mark_attended(appointment=appointment, by=request.user)
                messages.success(request, "Marked as attended.")
                return redirect(appointment)
        except ClinicRuleError as problem:
            target = {"move": move_form, "cancel": cancel_form}.get(action)
            if target is not None and appointment.status == AppointmentStatus.BOOKED:
                target.add_error(None, str(problem))
            else:  # the forms are not shown for a finished appointment: say it at the top
                error = str(problem)
        except ValidationError as problem:
            target = move_form if action == "move" else cancel_form
            target.add_error(None, problem.messages)
    record_view(instance=appointment, by=request.user)
    context = {
        "appointment": appointment,
        "patient": appointment.patient,
        "move_form": move_form,
        "cancel_form": cancel_form,
        "error": error,
        "is_booked": appointment.status == AppointmentStatus.BOOKED,
        # Attended and did-not-attend are for the day itself (the service refuses them earlier).
        "is_due": local_start.date() <= timezone.localdate(timezone=clinic.tzinfo),
        "can_treat": policy.can(request.user, "start_session", appointment.patient),
        "time_zone": clinic.time_zone,
        "calendar_url": calendar_url(view="day", day=local_start.date()),
        "open_action": action if action in ("move", "cancel") else "",
    }
    return render(request, "scheduling/appointment_detail.html", context)


@clinic_member()
@require_GET
def appointment_ics(request: ClinicRequest, public_id):
    """The patient's own calendar file for one appointment (to email or hand over)."""
    appointment = selectors.get_appointment(request.user, public_id)
    record_view(instance=appointment, by=request.user, shown_in="calendar file")
    response = HttpResponse(ics.appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.public_id}.ics"'
    return response
