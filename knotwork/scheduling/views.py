import contextlib
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotwork.audit.services import record_view
from knotwork.clinics.models import CLINICAL_ROLES, Role
from knotwork.clinics.services import ClinicRuleError
from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.patients.selectors import list_patients
from knotwork.scheduling import clock, ics, selectors, services
from knotwork.scheduling.forms import (
    AppointmentTypeForm,
    BookForm,
    CancelForm,
    MoveForm,
    TimeOffForm,
    WorkingHoursForm,
)
from knotwork.scheduling.models import AppointmentStatus, TimeOff

ROW = datetime.timedelta(minutes=30)


def _parse_date(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return clock.clamp_day(datetime.date.fromisoformat(text or ""))
    except ValueError:
        return default


def _today(clinic) -> datetime.date:
    return timezone.now().astimezone(clinic.tzinfo).date()


def _chosen_practitioner(practitioners, value: str | None):
    return next((m for m in practitioners if str(m.public_id) == (value or "")), None)


def _calendar_url(*, view: str, day: datetime.date, practitioner=None) -> str:
    query = {"view": view, "date": day.isoformat()}
    if practitioner is not None:
        query["practitioner"] = str(practitioner.public_id)
    return f"{reverse('scheduling:calendar')}?{urlencode(query)}"


def _book_url(**query) -> str:
    return f"{reverse('scheduling:book')}?{urlencode({k: v for k, v in query.items() if v})}"


@clinic_member()
@require_GET
def calendar(request: ClinicRequest):
    """Day or week of one practitioner or everyone, in the clinic's time zone."""
    clinic = request.clinic
    tz = clinic.tzinfo
    today = _today(clinic)
    view = "week" if request.GET.get("view") == "week" else "day"
    day = _parse_date(request.GET.get("date"), today)
    practitioners = list(selectors.list_practitioners(request.user))
    chosen = _chosen_practitioner(practitioners, request.GET.get("practitioner"))
    columns = [chosen] if chosen else practitioners
    first = day - datetime.timedelta(days=day.weekday()) if view == "week" else day
    days = [first + datetime.timedelta(days=i) for i in range(7 if view == "week" else 1)]
    start, end = clock.day_bounds(days[0], tz)[0], clock.day_bounds(days[-1], tz)[1]
    appointments = list(
        selectors.list_appointments(request.user, start=start, end=end, practitioner=chosen.user if chosen else None)
    )
    hours = [
        h
        for h in selectors.list_clinic_working_hours(request.user)
        if not chosen or h.practitioner_id == chosen.user_id
    ]
    time_off = list(selectors.list_time_off_between(request.user, start=start, end=end))
    step = datetime.timedelta(days=7 if view == "week" else 1)
    context = {
        "view": view,
        "day": day,
        "days": days,
        "today": today,
        "practitioners": practitioners,
        "chosen": chosen,
        "columns": columns,
        "appointment_count": sum(a.holds_time for a in appointments),
        "previous_url": _calendar_url(view=view, day=day - step, practitioner=chosen),
        "next_url": _calendar_url(view=view, day=day + step, practitioner=chosen),
        "today_url": _calendar_url(view=view, day=today, practitioner=chosen),
        "day_url": _calendar_url(view="day", day=day, practitioner=chosen),
        "week_url": _calendar_url(view="week", day=day, practitioner=chosen),
        "time_zone": clinic.time_zone,
    }
    if view == "day":
        context["rows"] = _day_rows(clinic, day, columns, appointments, hours, time_off)
    else:
        context["week_rows"] = _week_rows(clinic, days, columns, appointments, hours, time_off)
    return render(request, "scheduling/calendar.html", context)


def _stretches(clinic, practitioner_id, day, hours):
    rows = [h for h in hours if h.practitioner_id == practitioner_id]
    return selectors.working_stretches(practitioner=None, clinic=clinic, day=day, hours=rows)


def _day_rows(clinic, day, columns, appointments, hours, time_off):
    """Half-hour rows of the day: each cell holds the appointments starting in it and whether it is working time."""
    tz = clinic.tzinfo
    stretches = {m.user_id: _stretches(clinic, m.user_id, day, hours) for m in columns}
    starts = [s for spans in stretches.values() for s, _e in spans] + [a.starts_at for a in appointments]
    ends = [e for spans in stretches.values() for _s, e in spans] + [a.ends_at for a in appointments]
    first_hour = min([8] + [clock.local(s, tz).hour for s in starts])
    last = max([clock.to_utc_lenient(day, datetime.time(18), tz), *ends])
    last_local = clock.local(last, tz)
    last_hour = 24 if last_local.date() > day else last_local.hour + (1 if last_local.minute else 0)
    # Rows step through real time, so a skipped hour has no rows and a repeated hour has two sets.
    first_row = clock.to_utc_lenient(day, datetime.time(first_hour), tz)
    last_row = (
        clock.day_bounds(day, tz)[1] if last_hour >= 24 else clock.to_utc_lenient(day, datetime.time(last_hour), tz)
    )
    rows = []
    for row_start in clock.steps(first_row, last_row, ROW):
        label = clock.local(row_start, tz).time()
        row_end = row_start + ROW
        cells = []
        for member in columns:
            working = any(s <= row_start and row_end <= e for s, e in stretches[member.user_id])
            away = any(
                t.practitioner_id == member.user_id and t.starts_at < row_end and row_start < t.ends_at
                for t in time_off
            )
            here = [
                a for a in appointments if a.practitioner_id == member.user_id and row_start <= a.starts_at < row_end
            ]
            busy = any(
                a.practitioner_id == member.user_id and a.holds_time and a.starts_at < row_end and row_start < a.ends_at
                for a in appointments
            )
            book_url = (
                _book_url(practitioner=member.public_id, date=day.isoformat(), time=label.strftime("%H:%M"))
                if working and not away and not busy
                else ""
            )
            cells.append(
                {
                    "member": member,
                    "appointments": here,
                    "working": working,
                    "away": away,
                    "busy": busy,
                    "book_url": book_url,
                }
            )
        rows.append({"label": label, "cells": cells})
    return rows


def _week_rows(clinic, days, columns, appointments, hours, time_off):
    tz = clinic.tzinfo
    rows = []
    for member in columns:
        cells = []
        for day in days:
            stretches = _stretches(clinic, member.user_id, day, hours)
            here = [
                a
                for a in appointments
                if a.practitioner_id == member.user_id and clock.local(a.starts_at, tz).date() == day
            ]
            bounds = clock.day_bounds(day, tz)
            away = [
                t
                for t in time_off
                if t.practitioner_id == member.user_id and t.starts_at < bounds[1] and bounds[0] < t.ends_at
            ]
            cells.append(
                {
                    "day": day,
                    "appointments": here,
                    "hours": [(clock.local(s, tz), clock.local(e, tz)) for s, e in stretches],
                    "away": away,
                    "book_url": _book_url(practitioner=member.public_id, date=day.isoformat()),
                }
            )
        rows.append({"member": member, "cells": cells})
    return rows


def _book_initial(request: ClinicRequest, practitioners, query) -> tuple[dict, object, object]:
    """Prefill from the query string (chart link, calendar cell) or a "Show free times" post; ignore anything else."""
    clinic = request.clinic
    initial = {"date": _parse_date(query.get("date"), _today(clinic)), "notes": query.get("notes", "")[:500]}
    patient = None
    if query.get("patient"):
        with contextlib.suppress(ValidationError):
            patient = list_patients(request.user).filter(public_id=query["patient"]).first()
    if patient is not None:
        initial["patient"] = patient.public_id
    member = _chosen_practitioner(practitioners, query.get("practitioner"))
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
    if query.get("time"):
        with contextlib.suppress(ValueError):
            initial["time"] = datetime.time.fromisoformat(query["time"])
    if query.get("allow_outside_hours"):
        initial["allow_outside_hours"] = True
    return initial, patient, (member, appointment_type)


def _free_times(request: ClinicRequest, initial: dict, member, appointment_type) -> list[dict]:
    """The chosen practitioner's free start times on the chosen day, each a link that fills in the time."""
    if member is None or appointment_type is None:
        return []
    slots = selectors.list_free_slots(
        practitioner=member.user, appointment_type=appointment_type, starts_on=initial["date"], ends_on=initial["date"]
    )
    base = {key: str(value) for key, value in initial.items() if key != "time" and value not in (None, "")}
    tz = request.clinic.tzinfo
    return [
        {"label": f"{clock.local(slot, tz):%H:%M}", "url": _book_url(**base, time=f"{clock.local(slot, tz):%H:%M}")}
        for slot in slots
    ]


@clinic_member()
@require_http_methods(["GET", "POST"])
def book(request: ClinicRequest):
    """Book an appointment; `?patient=<public id>` (from the chart) and the calendar's cell links prefill it."""
    clinic = request.clinic
    practitioners = list(selectors.list_practitioners(request.user))
    # "Show free times" posts the form so far: show it again, unchecked, with the practitioner's free times.
    finding = request.method == "POST" and "find" in request.POST
    query = request.POST if finding else request.GET
    initial, prefilled_patient, (member, appointment_type) = _book_initial(request, practitioners, query)
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
            return redirect(_calendar_url(view="day", day=local_day))
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
            if target is not None:
                target.add_error(None, str(problem))
            else:
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
        "can_treat": request.membership.role in CLINICAL_ROLES,
        "time_zone": clinic.time_zone,
        "calendar_url": _calendar_url(view="day", day=local_start.date()),
        "open_action": action if action in ("move", "cancel") else "",
    }
    return render(request, "scheduling/appointment_detail.html", context)


@clinic_member()
@require_GET
def appointment_ics(request: ClinicRequest, public_id):
    """The patient's own calendar file for one appointment (to email or hand over)."""
    appointment = selectors.get_appointment(request.user, public_id)
    response = HttpResponse(ics.appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.public_id}.ics"'
    return response


def _may_edit_availability(request: ClinicRequest, member) -> bool:
    return request.membership.role == Role.OWNER or member.user_id == request.user.pk


@clinic_member()
@require_http_methods(["GET", "POST"])
def availability(request: ClinicRequest):
    """Weekly working hours and time off of one practitioner; your own, or anyone's for the owner."""
    clinic = request.clinic
    practitioners = list(selectors.list_practitioners(request.user))
    member = _chosen_practitioner(practitioners, request.GET.get("practitioner"))
    if member is None:
        member = next((m for m in practitioners if m.user_id == request.user.pk), None) or (
            practitioners[0] if practitioners else None
        )
    if member is None:
        return render(request, "scheduling/availability.html", {"member": None, "practitioners": []})
    practitioner = member.user
    can_edit = _may_edit_availability(request, member)
    action = request.POST.get("action")
    hours = list(selectors.list_working_hours(request.user, practitioner=practitioner))
    hours_form = WorkingHoursForm(
        request.POST if action == "hours" else None, initial=WorkingHoursForm.initial_from(hours), prefix="wh"
    )
    off_form = TimeOffForm(request.POST if action == "time_off" else None, clinic=clinic, prefix="off")
    here = f"{reverse('scheduling:availability')}?{urlencode({'practitioner': str(member.public_id)})}"
    if request.method == "POST":
        if not can_edit:
            messages.error(
                request, "You can change your own working hours and time off; the owner can change anyone's."
            )
            return redirect(here)
        try:
            if action == "hours" and hours_form.is_valid():
                services.set_working_hours(
                    practitioner=practitioner, clinic=clinic, hours=hours_form.cleaned_data["hours"], by=request.user
                )
                messages.success(request, "Working hours saved.")
                return redirect(here)
            if action == "time_off" and off_form.is_valid():
                data = off_form.cleaned_data
                time_off = services.add_time_off(
                    practitioner=practitioner,
                    clinic=clinic,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                    by=request.user,
                )
                messages.success(request, "Time off added.")
                clashing = selectors.clashes(
                    practitioner=practitioner, starts_at=time_off.starts_at, ends_at=time_off.ends_at
                ).count()
                if clashing:
                    messages.warning(
                        request,
                        f"{clashing} booked appointment(s) fall in this time off. Open the calendar to move them.",
                    )
                return redirect(here)
        except ClinicRuleError as problem:
            (hours_form if action == "hours" else off_form).add_error(None, str(problem))
    context = {
        "member": member,
        "practitioner_name": selectors.practitioner_name(practitioner),
        "practitioners": practitioners,
        "can_edit": can_edit,
        "hours": hours,
        "hours_form": hours_form,
        "off_form": off_form,
        "time_off": [
            (item, time_off_text(item, clinic))
            for item in selectors.list_time_off(request.user, practitioner=practitioner, since=timezone.now())
        ],
        "time_zone": clinic.time_zone,
    }
    return render(request, "scheduling/availability.html", context)


def time_off_text(time_off: TimeOff, clinic) -> str:
    """'Mon 30 Nov 2026 to Wed 2 Dec 2026 (whole days)' or 'Mon 30 Nov 2026 09:00 to 12:30'."""
    tz = clinic.tzinfo
    starts, ends = clock.local(time_off.starts_at, tz), clock.local(time_off.ends_at, tz)
    midnight = datetime.time(0, 0)
    if starts.time() == midnight and ends.time() == midnight:
        last = ends.date() - datetime.timedelta(days=1)
        if last == starts.date():
            return f"{starts:%a %-d %b %Y} (whole day)"
        return f"{starts:%a %-d %b %Y} to {last:%a %-d %b %Y} (whole days)"
    if starts.date() == ends.date():
        return f"{starts:%a %-d %b %Y %H:%M} to {ends:%H:%M}"
    return f"{starts:%a %-d %b %Y %H:%M} to {ends:%a %-d %b %Y %H:%M}"


@clinic_member()
@require_POST
def time_off_delete(request: ClinicRequest, public_id):
    time_off = selectors.get_time_off(request.user, public_id)
    member = next(
        (m for m in selectors.list_practitioners(request.user) if m.user_id == time_off.practitioner_id), None
    )
    try:
        services.remove_time_off(time_off=time_off, by=request.user)
    except ClinicRuleError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Time off removed.")
    query = urlencode({"practitioner": str(member.public_id)}) if member else ""
    return redirect(f"{reverse('scheduling:availability')}?{query}")


@clinic_member(Role.OWNER)
@require_http_methods(["GET", "POST"])
def appointment_types(request: ClinicRequest):
    form = AppointmentTypeForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_appointment_type(
                clinic=request.clinic,
                name=form.cleaned_data["name"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Appointment type added.")
            return redirect("scheduling:types")
    types = selectors.list_appointment_types(request.user)
    return render(request, "scheduling/appointmenttype_list.html", {"form": form, "types": types})


@clinic_member(Role.OWNER)
@require_http_methods(["GET", "POST"])
def appointment_type_edit(request: ClinicRequest, public_id):
    appointment_type = selectors.get_appointment_type(request.user, public_id)
    form = AppointmentTypeForm(request.POST or None, instance=appointment_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appointment_type(appointment_type=appointment_type, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Appointment type saved. Booked appointments keep their length.")
            return redirect("scheduling:types")
    appointment_type.refresh_from_db()
    return render(request, "scheduling/appointmenttype_form.html", {"form": form, "type": appointment_type})


@clinic_member(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def feed(request: ClinicRequest):
    """Your private calendar subscription: make a new URL (shown once) or revoke it."""
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, token = services.create_calendar_feed(practitioner=request.user, by=request.user)
            new_url = request.build_absolute_uri(reverse("scheduling:feed_ics", args=[token]))
            messages.success(request, "New calendar feed made. Any older feed URL has stopped working.")
        elif action == "revoke":
            services.revoke_calendar_feed(practitioner=request.user, by=request.user)
            messages.success(request, "Calendar feed revoked. Calendar apps using it will stop updating.")
            return redirect("scheduling:feed")
    context = {"open_feed": selectors.get_open_feed(request.user), "new_url": new_url}
    return render(request, "scheduling/calendarfeed.html", context)


@public
@require_GET
def feed_ics(request, token: str):
    """A practitioner's appointments for calendar apps; the unguessable token is the only key."""
    found = selectors.get_feed_by_token(token)
    if found is None:
        raise Http404("No such calendar feed.")
    services.touch_feed(found)
    response = HttpResponse(ics.practitioner_feed_ics(found), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
