"""Scoped reads of the calendar; staff reads start from the acting user, portal and planning helpers do not."""

import datetime
import zoneinfo

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.clinics.models import CLINICAL_ROLES, Membership
from knotwork.core import tokens
from knotwork.core.models import clinic_id_of
from knotwork.patients.models import PatientStatus
from knotwork.patients.selectors import list_patients
from knotwork.scheduling import clock
from knotwork.scheduling.models import (
    GRID_MINUTES,
    HOLDING_TIME,
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    CalendarFeed,
    Room,
    TimeOff,
    WorkingHours,
)

# Free slots are offered every 15 minutes from the start of each working stretch: a receptionist reads
# 09:00, 09:15, 09:30 more easily than every 5 minutes, and any grid time can still be typed when booking.
SLOT_STEP = datetime.timedelta(minutes=15)

Stretch = tuple[datetime.datetime, datetime.datetime]


def practitioner_name(user) -> str:
    return user.get_full_name() or user.email


# --- staff reads (acting user first) ---------------------------------------------------------


def list_appointments(
    user,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    practitioner=None,
    patient=None,
    practitioner_ids: list[int] | None = None,
) -> QuerySet[Appointment]:
    """Appointments of the user's clinic that overlap [start, end), earliest first, every status.

    `practitioner_ids` keeps those of a group of practitioners (the calendar of a large clinic).
    """
    appointments = (
        Appointment.objects.for_user(user)
        .filter(starts_at__lt=end, starts_at__gt=start - LONGEST_APPOINTMENT, ends_at__gt=start)
        .select_related("patient", "practitioner", "appointment_type", "room")
    )
    if practitioner is not None:
        appointments = appointments.filter(practitioner=practitioner)
    if patient is not None:
        appointments = appointments.filter(patient=patient)
    if practitioner_ids is not None:
        appointments = appointments.filter(practitioner_id__in=practitioner_ids)
    return appointments.order_by("starts_at", "pk")


# What a calendar chip shows (views/chips.py) and the audit entry per patient shown needs: no more, since a busy
# week holds a hundred appointments and each column read is converted a hundred times.
CALENDAR_FIELDS = (
    "clinic_id",
    "public_id",
    "patient_id",
    "practitioner_id",
    "appointment_type_id",
    "room_id",
    "starts_at",
    "ends_at",
    "status",
    "outside_hours",
    "source",
    "series",
    "patient__clinic_id",
    "patient__first_name",
    "patient__last_name",
    "patient__preferred_name",
    "patient__chart_number",
    "appointment_type__name",
    "appointment_type__colour",
    "room__name",
)


def list_calendar_appointments(
    user,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    practitioner_ids: list[int] | None = None,
) -> QuerySet[Appointment]:
    """`list_appointments` for the calendar page: the same rows, with only the columns its chips show."""
    return (
        list_appointments(user, start=start, end=end, practitioner_ids=practitioner_ids)
        .select_related(None)
        .select_related("patient", "appointment_type", "room")
        .only(*CALENDAR_FIELDS)
    )


def get_appointment(user, appointment_id) -> Appointment:
    return get_object_or_404(
        Appointment.objects.for_user(user).select_related(
            "patient", "practitioner", "appointment_type", "clinic", "plan", "session", "room"
        ),
        public_id=appointment_id,
    )


def list_practitioners(user) -> QuerySet[Membership]:
    """Active members of the user's clinic who see patients (owners and practitioners)."""
    clinic_id = clinic_id_of(user)
    if clinic_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(clinic_id=clinic_id, is_active=True, role__in=CLINICAL_ROLES)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def get_practitioner(user, membership_id) -> Membership:
    """One practitioner of the user's clinic by the membership's public id, or 404."""
    return get_object_or_404(list_practitioners(user), public_id=membership_id)


def list_appointment_types(user, *, active_only: bool = False) -> QuerySet[AppointmentType]:
    types = AppointmentType.objects.for_user(user)
    return types.filter(is_active=True) if active_only else types


def get_appointment_type(user, type_id) -> AppointmentType:
    return get_object_or_404(list_appointment_types(user), public_id=type_id)


def list_rooms(user, *, active_only: bool = False) -> QuerySet[Room]:
    rooms = Room.objects.for_user(user)
    return rooms.filter(is_active=True) if active_only else rooms


def get_room(user, room_id) -> Room:
    return get_object_or_404(list_rooms(user), public_id=room_id)


def list_series_from(appointment: Appointment) -> QuerySet[Appointment]:
    """This appointment and the later ones of its repeating booking that are still booked, earliest first."""
    if appointment.series is None:
        return Appointment.objects.filter(pk=appointment.pk)
    return Appointment.objects.filter(
        clinic_id=appointment.clinic_id,
        series=appointment.series,
        starts_at__gte=appointment.starts_at,
        status=AppointmentStatus.BOOKED,
    ).order_by("starts_at")


# Typed dates of birth the patient picker reads: ISO, day first (14/03/1980, 14.03.1980) and month first
# (03/14/1980). "03/04/1980" reads both ways, so it finds patients born on either day.
DATE_OF_BIRTH_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")
PICKER_LIMIT = 10


def _dates_of_birth(text: str) -> set[datetime.date]:
    found = set()
    for fmt in DATE_OF_BIRTH_FORMATS:
        try:
            found.add(datetime.datetime.strptime(text, fmt).date())  # noqa: DTZ007 (a calendar date, no time zone)
        except ValueError:
            continue
    return found


def search_patients_to_book(user, query: str, *, limit: int = PICKER_LIMIT) -> list:
    """Patients of the user's clinic who may be booked (not discharged) matching a name, a date of birth in any
    common format, a phone number or a chart number; at most `limit`, by name. Read-only; the caller audits."""
    text = " ".join(query.split())[:100]
    if len(text) < 2:
        return []
    born = _dates_of_birth(text)
    patients = list_patients(user).filter(date_of_birth__in=born) if born else list_patients(user, query=text)
    patients = patients.exclude(status=PatientStatus.DISCHARGED)
    return list(patients.order_by("last_name", "first_name", "pk")[:limit])


def list_working_hours(user, *, practitioner) -> QuerySet[WorkingHours]:
    return WorkingHours.objects.for_user(user).filter(practitioner=practitioner)


def list_time_off(user, *, practitioner, since: datetime.datetime | None = None) -> QuerySet[TimeOff]:
    time_off = TimeOff.objects.for_user(user).filter(practitioner=practitioner)
    if since is not None:
        time_off = time_off.filter(ends_at__gt=since)
    return time_off


def list_clinic_working_hours(user, *, practitioner_ids: list[int] | None = None) -> QuerySet[WorkingHours]:
    """The practitioners' weekly hours in the user's clinic (the calendar draws a group of them at once)."""
    hours = WorkingHours.objects.for_user(user)
    if practitioner_ids is not None:
        hours = hours.filter(practitioner_id__in=practitioner_ids)
    return hours


def list_time_off_between(
    user, *, start: datetime.datetime, end: datetime.datetime, practitioner_ids: list[int] | None = None
) -> QuerySet[TimeOff]:
    time_off = TimeOff.objects.for_user(user).filter(starts_at__lt=end, ends_at__gt=start)
    if practitioner_ids is not None:
        time_off = time_off.filter(practitioner_id__in=practitioner_ids)
    return time_off


def get_time_off(user, time_off_id) -> TimeOff:
    return get_object_or_404(TimeOff.objects.for_user(user), public_id=time_off_id)


def get_open_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.for_user(user).filter(practitioner=user, revoked_at__isnull=True).first()


# --- helpers without an acting user (portal, planning, the public feed) ------------------------


def list_upcoming_for_patient(patient, *, now: datetime.datetime) -> QuerySet[Appointment]:
    """The patient's booked appointments that have not started yet, soonest first."""
    return (
        Appointment.objects.filter(
            clinic_id=patient.clinic_id, patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=now
        )
        .select_related("practitioner", "appointment_type", "clinic")
        .order_by("starts_at")
    )


def get_feed_by_token(token: str) -> CalendarFeed | None:
    """The open feed a token unlocks, or None for an unknown or revoked token."""
    if not tokens.is_presentable(token):
        return None
    return (
        CalendarFeed.objects.filter(token_hash=tokens.hash_token(token), revoked_at__isnull=True)
        .select_related("practitioner", "clinic")
        .first()
    )


def working_stretches(*, practitioner, clinic, day: datetime.date, hours=None) -> list[Stretch]:
    """The practitioner's working hours on one local date, as UTC instants (DST-correct)."""
    tz = clinic.tzinfo
    if hours is None:
        hours = WorkingHours.objects.filter(clinic=clinic, practitioner=practitioner, weekday=day.weekday())
    stretches = []
    for row in hours:
        if row.weekday != day.weekday():
            continue
        starts = clock.to_utc_lenient(day, row.starts, tz)
        ends = clock.end_of_stretch(day, row.ends, tz)
        if starts < ends:
            stretches.append((starts, ends))
    return sorted(stretches)


def is_within_working_hours(*, practitioner, clinic, starts_at, ends_at) -> bool:
    day = clock.local(starts_at, clinic.tzinfo).date()
    return any(
        s <= starts_at and ends_at <= e for s, e in working_stretches(practitioner=practitioner, clinic=clinic, day=day)
    )


def time_off_during(*, practitioner, clinic, starts_at, ends_at) -> QuerySet[TimeOff]:
    return TimeOff.objects.filter(
        clinic=clinic, practitioner=practitioner, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).order_by("starts_at")


def clashes(*, practitioner=None, patient=None, starts_at, ends_at, exclude=None, room=None) -> QuerySet[Appointment]:
    """Appointments holding time that overlap [starts_at, ends_at) for this practitioner, patient or room."""
    who = Q()
    if practitioner is not None:
        who |= Q(practitioner=practitioner)
    if patient is not None:
        who |= Q(patient=patient)
    if room is not None:
        who |= Q(room=room)
    found = Appointment.objects.filter(
        who,
        status__in=HOLDING_TIME,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - LONGEST_APPOINTMENT,
        ends_at__gt=starts_at,
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.select_related("practitioner", "patient", "room").order_by("starts_at")


def list_free_slots(
    *,
    practitioner,
    appointment_type: AppointmentType,
    starts_on: datetime.date,
    ends_on: datetime.date,
    now: datetime.datetime | None = None,
) -> list[datetime.datetime]:
    """Start times (aware, UTC) when the practitioner could see a patient for this type.

    Every returned slot lies wholly inside the practitioner's working hours on its local date (both dates
    inclusive), outside time off, clashes with no appointment that holds time, starts at or after `now`
    (default: the current time) and sits on the 5-minute grid. Slots step by `SLOT_STEP` (15 minutes) from
    the start of each working stretch.
    """
    clinic = appointment_type.clinic
    tz: zoneinfo.ZoneInfo = clinic.tzinfo
    now = now or timezone.now()
    starts_on, ends_on = clock.clamp_day(starts_on), clock.clamp_day(ends_on)
    if ends_on < starts_on:
        return []
    range_start = clock.day_bounds(starts_on, tz)[0]
    range_end = clock.day_bounds(ends_on, tz)[1]
    hours = list(WorkingHours.objects.filter(clinic=clinic, practitioner=practitioner))
    busy = [
        (a.starts_at, a.ends_at)
        for a in Appointment.objects.filter(
            practitioner=practitioner,
            status__in=HOLDING_TIME,
            starts_at__lt=range_end,
            starts_at__gt=range_start - LONGEST_APPOINTMENT,
            ends_at__gt=range_start,
        ).only("starts_at", "ends_at")
    ]
    busy += [
        (t.starts_at, t.ends_at)
        for t in TimeOff.objects.filter(
            practitioner=practitioner, starts_at__lt=range_end, ends_at__gt=range_start
        ).only("starts_at", "ends_at")
    ]
    length = appointment_type.duration
    slots = []
    day = starts_on
    while day <= ends_on:
        for stretch_start, stretch_end in working_stretches(
            practitioner=practitioner, clinic=clinic, day=day, hours=hours
        ):
            first = stretch_start
            if not clock.on_grid(first, GRID_MINUTES):  # a stretch starting at 09:02 offers 09:05 first
                first += datetime.timedelta(minutes=GRID_MINUTES - first.minute % GRID_MINUTES)
                first = first.replace(second=0, microsecond=0)
            for start in clock.steps(first, stretch_end, SLOT_STEP):
                end = start + length
                if end > stretch_end or start < now:
                    continue
                if any(b_start < end and start < b_end for b_start, b_end in busy):
                    continue
                slots.append(start)
        day += datetime.timedelta(days=1)
    return sorted(set(slots))


def todays_booked_appointment(patient) -> Appointment | None:
    """The patient's first appointment of today (clinic time) still booked and without a session."""
    start, end = clock.day_bounds(timezone.localdate(timezone=patient.clinic.tzinfo), patient.clinic.tzinfo)
    return (
        Appointment.objects.filter(
            patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=start, starts_at__lt=end, session=None
        )
        .order_by("starts_at")
        .first()
    )


def time_zone_change_warning(*, user, old_time_zone: str, new_time_zone: str) -> str | None:
    """Booked appointments keep their moment in time, so their clock time changes with the zone: say how many.

    Registered on knotwork.clinics.hooks.time_zone_changed (the clinic settings page shows it).
    """
    now = timezone.now()
    count = list_appointments(user, start=now, end=now + datetime.timedelta(days=3650)).filter(status="booked").count()
    if not count:
        return None
    return (
        f"The clinic's time zone changed from {old_time_zone} to {new_time_zone}. {count} booked "
        f"appointment{'s keep their' if count != 1 else ' keeps its'} moment in time, so clock times now show "
        "differently: check the calendar and move any that should stay at the same clock time."
    )
