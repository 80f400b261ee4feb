"""Booking, the appointment page (move, cancel, attended, did not attend) and its .ics file."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from knotwork.audit.services import record_view, record_views
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
    chosen_id = query.get("choose_patient") or query.get("patient")  # a patient chosen from the found list wins
    if "find_patient" in query:  # looking for another patient un-chooses the one before
        chosen_id = None
    if chosen_id:
        with contextlib.suppress(ValidationError):
            patient = list_patients(request.user).filter(public_id=chosen_id).first()
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
    if query is request.POST:  # "Show free times": keep the room and the repeat as typed
        for name in ("room", "every_weeks", "repeat_count", "repeat_until"):
            if query.get(name):
                initial[name] = query[name][:40]
        for name in ("repeat", "skip_clashes"):
            if query.get(name):
                initial[name] = True
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
    finding = request.method == "POST" and any(
        name in request.POST for name in ("find", "use_time", "find_patient", "choose_patient")
    )
    query = request.POST if finding else request.GET
    initial, prefilled_patient, (member, appointment_type) = _book_initial(request, practitioners, query)
    bound = request.POST if request.method == "POST" and not finding else None
    form = BookForm(bound, initial=initial, user=request.user, clinic=clinic)
    clashes = []
    if bound is not None and form.is_valid():
        data = form.cleaned_data
        booking = {
            "patient": data["patient"],
            "practitioner": data["practitioner"].user,
            "appointment_type": data["appointment_type"],
            "starts_at": data["starts_at"],
            "by": request.user,
            "notes": data["notes"],
            "allow_outside_hours": data["allow_outside_hours"],
            "room": data["room"],
        }
        try:
            if data["repeat"]:
                result = services.book_series(
                    **booking,
                    every_weeks=data["every_weeks"],
                    count=data["repeat_count"],
                    until=data["repeat_until"],
                    skip_clashes=data["skip_clashes"],
                )
                appointment = result.appointments[0]
            else:
                result = None
                appointment = services.book_appointment(**booking)
        except services.SeriesClashError as error:
            form.add_error(
                None,
                f"{len(error.clashes)} of the dates cannot be booked, so none was. Choose another "
                "time, or tick “Book the free dates and skip the ones that clash”.",
            )
            clashes = [(services.local_when_text(o.starts_at, clinic), o.reason) for o in error.clashes]
        except (ClinicRuleError, ValidationError) as error:
            form.add_error(None, str(error) if isinstance(error, ClinicRuleError) else error.messages)
        else:
            when = services.local_when_text(appointment.starts_at, clinic)
            if result is None:
                messages.success(request, f"Booked {appointment.patient.display_name} for {when}.")
            else:
                messages.success(
                    request,
                    f"Booked {appointment.patient.display_name} {len(result.appointments)} times, from {when}.",
                )
                for skipped in result.skipped:
                    messages.warning(
                        request,
                        f"Not booked {services.local_when_text(skipped.starts_at, clinic)}: {skipped.reason}",
                    )
            if appointment.outside_hours:
                messages.warning(request, "This appointment is outside the practitioner's working hours.")
            local_day = clock.local(appointment.starts_at, clinic.tzinfo).date()
            return redirect(calendar_url(view="day", day=local_day))
    # The patient picker shows who is chosen (or what was typed): a patient named on the page is a view.
    chosen = prefilled_patient
    if bound is not None:
        chosen = form.cleaned_data.get("patient") or chosen
    if chosen is not None:
        record_view(instance=chosen, by=request.user, shown_in="booking")
    # Without the script, "Find" posts the form so far and the matching patients come back as buttons to choose.
    typed = request.POST.get("patient_search", "")[:100]
    found = None
    if finding and "find_patient" in request.POST:
        chosen = None
        found = selectors.search_patients_to_book(request.user, typed)
        record_views(instances=found, by=request.user, shown_in="booking patient picker")
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
        "chosen_patient": chosen,
        "typed_patient": typed if chosen is None else "",
        "found_patients": found,
        "clashes": clashes,
    }
    return render(request, "scheduling/appointment_form.html", context)


def _room_change(move_form: MoveForm, appointment):
    """The room the move form asks for, or KEEP_ROOM when it keeps the appointment's own (even one no longer in use)."""
    if "room" not in move_form.fields or move_form.cleaned_data.get("room") == appointment.room:
        return services.KEEP_ROOM
    return move_form.cleaned_data.get("room")


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
    if appointment.room is not None:
        move_initial["room"] = appointment.room.public_id
    move_form = MoveForm(
        request.POST if action == "move" else None,
        initial=move_initial,
        user=request.user,
        clinic=clinic,
        prefix="move",
    )
    following = list(selectors.list_series_from(appointment)) if appointment.series else []
    cancel_form = CancelForm(
        request.POST if action == "cancel" else None, prefix="cancel", series_after=len(following) - 1
    )
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
                    room=_room_change(move_form, appointment),
                )
                when = services.local_when_text(appointment.starts_at, clinic)
                messages.success(request, f"Moved to {when}.")
                return redirect(appointment)
            if action == "cancel" and cancel_form.is_valid():
                reason = cancel_form.cleaned_data["reason"]
                if cancel_form.cleaned_data.get("following"):
                    cancelled = services.cancel_series(appointment=appointment, by=request.user, reason=reason)
                    messages.success(request, f"{len(cancelled)} appointments cancelled; their times are free again.")
                else:
                    services.cancel_appointment(appointment=appointment, by=request.user, reason=reason)
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
        "series_after": max(len(following) - 1, 0),
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
