"""Appointment types, weekly working hours and time off."""

import datetime
import itertools

from django.db import transaction

from knotwork.accounts.policy import acting_staff
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.scheduling.models import (
    AppointmentType,
    TimeOff,
    TypeColour,
    WorkingHours,
)
from knotwork.scheduling.services.rules import check_practitioner

# --- appointment types ---------------------------------------------------------------------------


@transaction.atomic
def create_appointment_type(
    *,
    clinic,
    name: str,
    duration_minutes: int,
    by: Actor,
    colour: str = TypeColour.TEAL,
    needs_room: bool = False,
) -> AppointmentType:
    require(by, "create_appointment_type", clinic)
    appointment_type = AppointmentType(
        clinic=clinic, name=name.strip(), duration_minutes=duration_minutes, colour=colour, needs_room=needs_room
    )
    appointment_type.full_clean()
    appointment_type.save()
    return appointment_type


@transaction.atomic
def update_appointment_type(
    *,
    appointment_type: AppointmentType,
    by: Actor,
    name: str,
    duration_minutes: int,
    is_active: bool,
    colour: str | None = None,
    needs_room: bool | None = None,
) -> AppointmentType:
    """Rename, re-time, recolour or withdraw a type; booked appointments keep the length they were booked with.

    `colour` and `needs_room` stay as they are when not given."""
    require(by, "update_appointment_type", appointment_type)
    appointment_type = AppointmentType.objects.select_for_update().get(pk=appointment_type.pk)
    appointment_type.name = name.strip()
    appointment_type.duration_minutes = duration_minutes
    appointment_type.is_active = is_active
    if colour is not None:
        appointment_type.colour = colour
    if needs_room is not None:
        appointment_type.needs_room = needs_room
    appointment_type.full_clean()
    appointment_type.save()
    return appointment_type


# --- availability --------------------------------------------------------------------------------


@transaction.atomic
def set_working_hours(
    *, practitioner, clinic, hours: list[tuple[int, datetime.time, datetime.time]], by: Actor
) -> list[WorkingHours]:
    """Replace a practitioner's weekly hours with `hours` (weekday 0 = Monday, start, end in local time)."""
    require(by, "set_working_hours", practitioner)
    check_practitioner(practitioner, clinic)
    by_day: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for weekday, starts, ends in hours:
        if not starts < ends:
            raise ClinicRuleError(f"{WorkingHours(weekday=weekday).get_weekday_display()}: end after the start.")
        by_day.setdefault(weekday, []).append((starts, ends))
    for weekday, stretches in by_day.items():
        stretches.sort()
        for (_s1, e1), (s2, _e2) in itertools.pairwise(stretches):
            if s2 < e1:
                name = WorkingHours(weekday=weekday).get_weekday_display()
                raise ClinicRuleError(f"{name}: the stretches of working hours overlap.")
    WorkingHours.objects.filter(clinic=clinic, practitioner=practitioner).delete()
    rows = []
    for weekday, starts, ends in sorted(hours):
        row = WorkingHours(clinic=clinic, practitioner=practitioner, weekday=weekday, starts=starts, ends=ends)
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def add_time_off(
    *, practitioner, clinic, starts_at: datetime.datetime, ends_at: datetime.datetime, reason: str, by: Actor
) -> TimeOff:
    """Record time off; appointments already booked in it stay (the caller shows them to rebook)."""
    require(by, "add_time_off", practitioner)
    check_practitioner(practitioner, clinic)
    if not starts_at < ends_at:
        raise ClinicRuleError("Time off must end after it starts.")
    if ends_at - starts_at > datetime.timedelta(days=366):
        raise ClinicRuleError("Record time off of up to a year at a time.")
    time_off = TimeOff(
        clinic=clinic,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        created_by=acting_staff(by),
    )
    time_off.full_clean()
    time_off.save()
    return time_off


@transaction.atomic
def remove_time_off(*, time_off: TimeOff, by: Actor) -> None:
    require(by, "remove_time_off", time_off)
    time_off.delete()
