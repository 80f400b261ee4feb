"""The calendar: a day or a week of one practitioner or everyone, in the clinic's time zone."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from knotwork.audit.services import record_patients_shown
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.scheduling import clock, selectors
from knotwork.scheduling.views.chips import ChipWriter
from knotwork.scheduling.views.links import (
    GROUP_SIZE,
    book_url,
    calendar_url,
    chosen_group,
    chosen_practitioner,
    clinic_today,
    parse_date,
    practitioner_groups,
)

ROW = datetime.timedelta(minutes=30)


@clinic_member()
@require_GET
def calendar(request: ClinicRequest):
    """Day or week of one practitioner or everyone, in the clinic's time zone."""
    clinic = request.clinic
    tz = clinic.tzinfo
    today = clinic_today(clinic)
    view = "week" if request.GET.get("view") == "week" else "day"
    day = parse_date(request.GET.get("date"), today)
    practitioners = list(selectors.list_practitioners(request.user))
    chosen = chosen_practitioner(practitioners, request.GET.get("practitioner"))
    groups = practitioner_groups(practitioners)
    group = None if chosen else chosen_group(groups, request.GET.get("group"), request.user)
    columns = [chosen] if chosen else (groups[group - 1] if group else [])
    # A clinic with more practitioners than one screen holds is shown a group at a time: only its rows are read.
    grouped = len(groups) > 1
    if not grouped:
        group = None  # one group is everyone: the links name no group
    shown_ids = [m.user_id for m in columns] if grouped or chosen else None
    first = day - datetime.timedelta(days=day.weekday()) if view == "week" else day
    days = [first + datetime.timedelta(days=i) for i in range(7 if view == "week" else 1)]
    start, end = clock.day_bounds(days[0], tz)[0], clock.day_bounds(days[-1], tz)[1]
    appointments = list(
        selectors.list_calendar_appointments(request.user, start=start, end=end, practitioner_ids=shown_ids)
    )
    record_patients_shown(records=appointments, by=request.user, shown_in="calendar")
    hours = list(selectors.list_clinic_working_hours(request.user, practitioner_ids=shown_ids))
    time_off = list(selectors.list_time_off_between(request.user, start=start, end=end, practitioner_ids=shown_ids))
    hidden = []
    if view == "day" and not chosen:
        # Everyone's day: leave out who neither works nor has an appointment that day (named below the table).
        present = [
            m
            for m in columns
            if _stretches(clinic, m.user_id, day, hours) or any(a.practitioner_id == m.user_id for a in appointments)
        ]
        if present:
            hidden = [m for m in columns if m not in present]
            columns = present
    step = datetime.timedelta(days=7 if view == "week" else 1)
    keep = {"practitioner": chosen, "group": group}
    context = {
        "hidden": hidden,
        "view": view,
        "day": day,
        "days": days,
        "today": today,
        "practitioners": practitioners,
        "chosen": chosen,
        "columns": columns,
        "groups": _group_choices(groups, view=view, day=day) if grouped else [],
        "group": group,
        "group_size": GROUP_SIZE,
        "appointment_count": sum(a.holds_time for a in appointments),
        "previous_url": calendar_url(view=view, day=day - step, **keep),
        "next_url": calendar_url(view=view, day=day + step, **keep),
        "today_url": calendar_url(view=view, day=today, **keep),
        "day_url": calendar_url(view="day", day=day, **keep),
        "week_url": calendar_url(view="week", day=day, **keep),
        "time_zone": clinic.time_zone,
        "types": list(selectors.list_appointment_types(request.user, active_only=True)),
    }
    if view == "day":
        context["rows"] = _day_rows(clinic, day, columns, appointments, hours, time_off)
    else:
        context["week_rows"] = _week_rows(clinic, days, columns, appointments, hours, time_off)
    return render(request, "scheduling/calendar.html", context)


def _group_choices(groups, *, view: str, day: datetime.date) -> list[dict]:
    """Each group of practitioners as the picker and the group links show it: "Ann Able \u2013 Hal Ito"."""
    return [
        {
            "number": number,
            "label": f"{members[0].user} \u2013 {members[-1].user}" if len(members) > 1 else str(members[0].user),
            "url": calendar_url(view=view, day=day, group=number),
        }
        for number, members in enumerate(groups, start=1)
    ]


def _stretches(clinic, practitioner_id, day, hours):
    rows = [h for h in hours if h.practitioner_id == practitioner_id]
    return selectors.working_stretches(practitioner=None, clinic=clinic, day=day, hours=rows)


def _day_rows(clinic, day, columns, appointments, hours, time_off):
    """Half-hour rows of the day: each cell holds the appointments starting in it and whether it is working time."""
    tz = clinic.tzinfo
    chips = ChipWriter(tz)
    base = reverse("scheduling:book")
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
            free_book_url = (
                book_url(base, practitioner=member.public_id, date=day.isoformat(), time=label.strftime("%H:%M"))
                if working and not away and not busy
                else ""
            )
            cells.append(
                {
                    "member": member,
                    "chips": [chips.chip(a, member) for a in here],
                    "working": working,
                    "away": away,
                    "busy": busy,
                    "book_url": free_book_url,
                }
            )
        rows.append({"label": label, "cells": cells})
    return rows


def _week_rows(clinic, days, columns, appointments, hours, time_off):
    tz = clinic.tzinfo
    chips = ChipWriter(tz)
    base = reverse("scheduling:book")
    by_day: dict[tuple[int, datetime.date], list] = {}
    for a in appointments:  # grouped once: each appointment's local day is worked out once, not per cell
        by_day.setdefault((a.practitioner_id, clock.local(a.starts_at, tz).date()), []).append(a)
    rows = []
    for member in columns:
        cells = []
        for day in days:
            stretches = _stretches(clinic, member.user_id, day, hours)
            here = by_day.get((member.user_id, day), [])
            bounds = clock.day_bounds(day, tz)
            away = [
                t
                for t in time_off
                if t.practitioner_id == member.user_id and t.starts_at < bounds[1] and bounds[0] < t.ends_at
            ]
            cells.append(
                {
                    "day": day,
                    "chips": [chips.chip(a, member) for a in here],
                    "hours": [(clock.local(s, tz), clock.local(e, tz)) for s, e in stretches],
                    "away": away,
                    "book_url": book_url(base, practitioner=member.public_id, date=day.isoformat()),
                }
            )
        rows.append({"member": member, "cells": cells})
    return rows
