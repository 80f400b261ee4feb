"""The one way to change the calendar: book, move, cancel, mark attended or not; hours, time off, feeds, reminders."""

import datetime
import itertools
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from knotwork.clinics.models import CLINICAL_ROLES, Role
from knotwork.clinics.services import ClinicRuleError
from knotwork.patients.models import PatientStatus
from knotwork.scheduling import clock, selectors
from knotwork.scheduling.models import (
    APPOINTMENT_TRANSITIONS,
    GRID,
    GRID_MINUTES,
    Appointment,
    AppointmentBlock,
    AppointmentStatus,
    AppointmentType,
    CalendarFeed,
    TimeOff,
    WorkingHours,
    hash_token,
)
from knotwork.scheduling.selectors import practitioner_name

logger = logging.getLogger(__name__)
BOOKING_HORIZON = datetime.timedelta(days=2 * 366)


# --- wording -------------------------------------------------------------------------------------


def local_time_text(instant: datetime.datetime, clinic) -> str:
    """'10:15' in the clinic's time zone."""
    return clock.local(instant, clinic.tzinfo).strftime("%H:%M")


def local_when_text(instant: datetime.datetime, clinic) -> str:
    """'Tuesday 3 March 2026 at 10:15' in the clinic's time zone."""
    moment = clock.local(instant, clinic.tzinfo)
    return f"{formats.date_format(moment, 'l j F Y')} at {moment:%H:%M}"


# --- checks ---------------------------------------------------------------------------------------


def _membership(user):
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active or not user.is_active:
        return None
    return membership


def _require_staff(by, clinic) -> None:
    membership = _membership(by)
    if membership is None or membership.clinic_id != clinic.pk:
        raise ClinicRuleError("Only staff of this clinic can change its calendar.")


def _require_owner(by, clinic) -> None:
    membership = _membership(by)
    if membership is None or membership.clinic_id != clinic.pk or membership.role != Role.OWNER:
        raise ClinicRuleError("Only the clinic owner can do this.")


def _require_self_or_owner(by, practitioner, clinic) -> None:
    membership = _membership(by)
    if membership is None or membership.clinic_id != clinic.pk:
        raise ClinicRuleError("Only staff of this clinic can change its calendar.")
    if by.pk != practitioner.pk and membership.role != Role.OWNER:
        raise ClinicRuleError("You can change your own working hours and time off; the owner can change anyone's.")


def _require_practitioner(practitioner, clinic) -> None:
    membership = _membership(practitioner)
    if membership is None or membership.clinic_id != clinic.pk or membership.role not in CLINICAL_ROLES:
        raise ClinicRuleError("Choose a practitioner of this clinic who sees patients.")


def _check_start(starts_at: datetime.datetime, clinic) -> None:
    if timezone.is_naive(starts_at):
        raise ClinicRuleError("The appointment time needs a time zone.")
    if not clock.on_grid(starts_at, GRID_MINUTES):
        raise ClinicRuleError(f"Appointments start on a {GRID_MINUTES}-minute mark (10:00, 10:05, 10:10 ...).")
    today_starts = clock.day_bounds(timezone.now().astimezone(clinic.tzinfo).date(), clinic.tzinfo)[0]
    if starts_at < today_starts:
        raise ClinicRuleError("This date has passed: choose today or a later date.")
    if starts_at > timezone.now() + BOOKING_HORIZON:
        raise ClinicRuleError("Appointments can be booked up to two years ahead. Please check the year.")


def _check_availability(*, practitioner, clinic, starts_at, ends_at, allow_outside_hours: bool) -> bool:
    """Refuse time off always and outside working hours unless allowed; return True when outside hours."""
    away = selectors.time_off_during(
        practitioner=practitioner, clinic=clinic, starts_at=starts_at, ends_at=ends_at
    ).first()
    if away is not None:
        raise ClinicRuleError(
            f"{practitioner_name(practitioner)} is away from {local_when_text(away.starts_at, clinic)} "
            f"to {local_when_text(away.ends_at, clinic)}. Choose another time or practitioner."
        )
    inside = selectors.is_within_working_hours(
        practitioner=practitioner, clinic=clinic, starts_at=starts_at, ends_at=ends_at
    )
    if not inside and not allow_outside_hours:
        raise ClinicRuleError(
            f"{local_when_text(starts_at, clinic)} to {local_time_text(ends_at, clinic)} is outside "
            f"{practitioner_name(practitioner)}'s working hours. Choose another time, or tick "
            "“Book outside working hours” if this is intended."
        )
    return not inside


def _raise_if_clash(appointment: Appointment) -> None:
    clinic = appointment.clinic
    found = selectors.clashes(
        practitioner=appointment.practitioner,
        patient=appointment.patient,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        exclude=appointment if appointment.pk else None,
    )
    for other in found:
        if other.practitioner_id == appointment.practitioner_id:
            raise ClinicRuleError(
                f"{practitioner_name(appointment.practitioner)} already has an appointment at "
                f"{local_time_text(other.starts_at, clinic)} (until {local_time_text(other.ends_at, clinic)}). "
                "Choose another time."
            )
        raise ClinicRuleError(
            f"This patient already has an appointment at {local_time_text(other.starts_at, clinic)} "
            f"with {practitioner_name(other.practitioner)}. Choose another time."
        )


def _claim_blocks(appointment: Appointment) -> None:
    """Write the appointment's 5-minute blocks; the unique constraints refuse a double booking atomically."""
    _raise_if_clash(appointment)
    rows = [
        AppointmentBlock(
            clinic_id=appointment.clinic_id,
            appointment=appointment,
            practitioner_id=appointment.practitioner_id,
            patient_id=appointment.patient_id,
            starts_at=moment,
        )
        for moment in clock.steps(appointment.starts_at, appointment.ends_at, GRID)
    ]
    try:
        with transaction.atomic():
            AppointmentBlock.objects.bulk_create(rows)
    except IntegrityError:
        # Someone booked the same time in a transaction that committed after our check: name it.
        logger.info("Double booking refused by the database for appointment %s", appointment.public_id)
        _raise_if_clash(appointment)
        raise ClinicRuleError("That time was just booked by someone else. Choose another time.") from None


def _free_blocks(appointment: Appointment) -> None:
    AppointmentBlock.objects.filter(appointment=appointment).delete()


def _check_transition(appointment: Appointment, status: AppointmentStatus) -> None:
    current = AppointmentStatus(appointment.status)
    if status not in APPOINTMENT_TRANSITIONS[current]:
        raise ClinicRuleError(
            f"This appointment is {current.label.lower()}; it cannot be marked “{status.label.lower()}” any more."
        )


def _change_status(appointment: Appointment, status: AppointmentStatus, by) -> None:
    _check_transition(appointment, status)
    appointment.status = status
    appointment.status_changed_at = timezone.now()
    appointment.status_changed_by = by


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinic", "patient", "practitioner", "appointment_type")
        .get(pk=appointment.pk)
    )


# --- appointments --------------------------------------------------------------------------------


@transaction.atomic
def book_appointment(
    *,
    patient,
    practitioner,
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    by,
    plan=None,
    notes: str = "",
    allow_outside_hours: bool = False,
) -> Appointment:
    """Book a patient with a practitioner; refuse double bookings, time off and (unless allowed) off hours."""
    clinic = patient.clinic
    _require_staff(by, clinic)
    _require_practitioner(practitioner, clinic)
    if appointment_type.clinic_id != clinic.pk:
        raise ClinicRuleError("Choose an appointment type of this clinic.")
    if not appointment_type.is_active:
        raise ClinicRuleError(f"“{appointment_type.name}” is no longer offered. Choose another appointment type.")
    if patient.status == PatientStatus.DISCHARGED:
        raise ClinicRuleError("This patient is discharged. Resume their care on the chart before booking.")
    if plan is not None and (plan.clinic_id != clinic.pk or plan.patient_id != patient.pk):
        raise ClinicRuleError("The treatment plan belongs to another patient.")
    _check_start(starts_at, clinic)
    ends_at = starts_at + appointment_type.duration
    outside = _check_availability(
        practitioner=practitioner,
        clinic=clinic,
        starts_at=starts_at,
        ends_at=ends_at,
        allow_outside_hours=allow_outside_hours,
    )
    appointment = Appointment(
        clinic=clinic,
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        starts_at=starts_at.astimezone(datetime.UTC),
        ends_at=ends_at.astimezone(datetime.UTC),
        plan=plan,
        notes=notes.strip(),
        outside_hours=outside,
        booked_by=by,
    )
    _raise_if_clash(appointment)
    appointment.full_clean()
    appointment.save()
    _claim_blocks(appointment)
    _schedule_reminder(appointment)
    logger.info("Appointment %s booked", appointment.public_id)
    return appointment


@transaction.atomic
def move_appointment(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    by,
    practitioner=None,
    allow_outside_hours: bool = False,
) -> Appointment:
    """Move a booked appointment to another time (and practitioner); its blocks are replaced in one go."""
    appointment = _locked(appointment)
    clinic = appointment.clinic
    _require_staff(by, clinic)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ClinicRuleError(f"This appointment is {appointment.get_status_display().lower()}; it cannot be moved.")
    practitioner = practitioner or appointment.practitioner
    _require_practitioner(practitioner, clinic)
    _check_start(starts_at, clinic)
    length = appointment.ends_at - appointment.starts_at
    ends_at = starts_at + length
    outside = _check_availability(
        practitioner=practitioner,
        clinic=clinic,
        starts_at=starts_at,
        ends_at=ends_at,
        allow_outside_hours=allow_outside_hours,
    )
    _free_blocks(appointment)
    appointment.practitioner = practitioner
    appointment.starts_at = starts_at.astimezone(datetime.UTC)
    appointment.ends_at = ends_at.astimezone(datetime.UTC)
    appointment.outside_hours = outside
    appointment.reminder_sent_at = None  # the reminder of the old time no longer counts
    appointment.full_clean()
    appointment.save()
    _claim_blocks(appointment)
    _schedule_reminder(appointment)
    logger.info("Appointment %s moved", appointment.public_id)
    return appointment


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, by, reason: str) -> Appointment:
    appointment = _locked(appointment)
    _require_staff(by, appointment.clinic)
    reason = (reason or "").strip()
    if not reason:
        raise ClinicRuleError("Give a reason for cancelling (for example: patient unwell, called to rebook).")
    _change_status(appointment, AppointmentStatus.CANCELLED, by)
    appointment.cancel_reason = reason[:300]
    appointment.save()
    _free_blocks(appointment)
    logger.info("Appointment %s cancelled", appointment.public_id)
    return appointment


@transaction.atomic
def mark_no_show(*, appointment: Appointment, by) -> Appointment:
    appointment = _locked(appointment)
    _require_staff(by, appointment.clinic)
    _check_transition(appointment, AppointmentStatus.NO_SHOW)
    if appointment.starts_at > timezone.now():
        raise ClinicRuleError("An appointment can be marked “did not attend” once its start time has passed.")
    _change_status(appointment, AppointmentStatus.NO_SHOW, by)
    appointment.save()
    _free_blocks(appointment)
    return appointment


@transaction.atomic
def mark_attended(*, appointment: Appointment, by, session=None) -> Appointment:
    appointment = _locked(appointment)
    clinic = appointment.clinic
    _require_staff(by, clinic)
    _check_transition(appointment, AppointmentStatus.ATTENDED)
    today = timezone.now().astimezone(clinic.tzinfo).date()
    if clock.local(appointment.starts_at, clinic.tzinfo).date() > today:
        raise ClinicRuleError("This appointment is on a later day; mark it attended on the day.")
    if session is not None and (session.clinic_id != clinic.pk or session.patient_id != appointment.patient_id):
        raise ClinicRuleError("That session belongs to another patient.")
    _change_status(appointment, AppointmentStatus.ATTENDED, by)
    if session is not None:
        appointment.session = session
    appointment.save()
    return appointment


def local_start(*, day: datetime.date, at: datetime.time, clinic) -> datetime.datetime:
    """The instant a clinic-local date and time name; a skipped time (clocks going forward) is refused."""
    try:
        return clock.to_utc(day, at, clinic.tzinfo)
    except clock.NonexistentTime as error:
        raise ClinicRuleError(str(error)) from None


# --- appointment types ---------------------------------------------------------------------------


@transaction.atomic
def create_appointment_type(*, clinic, name: str, duration_minutes: int, by) -> AppointmentType:
    _require_owner(by, clinic)
    appointment_type = AppointmentType(clinic=clinic, name=name.strip(), duration_minutes=duration_minutes)
    appointment_type.full_clean()
    appointment_type.save()
    return appointment_type


@transaction.atomic
def update_appointment_type(
    *, appointment_type: AppointmentType, by, name: str, duration_minutes: int, is_active: bool
) -> AppointmentType:
    """Rename, re-time or withdraw a type; booked appointments keep the length they were booked with."""
    appointment_type = AppointmentType.objects.select_for_update().get(pk=appointment_type.pk)
    _require_owner(by, appointment_type.clinic)
    appointment_type.name = name.strip()
    appointment_type.duration_minutes = duration_minutes
    appointment_type.is_active = is_active
    appointment_type.full_clean()
    appointment_type.save()
    return appointment_type


# --- availability --------------------------------------------------------------------------------


@transaction.atomic
def set_working_hours(
    *, practitioner, clinic, hours: list[tuple[int, datetime.time, datetime.time]], by
) -> list[WorkingHours]:
    """Replace a practitioner's weekly hours with `hours` (weekday 0 = Monday, start, end in local time)."""
    _require_practitioner(practitioner, clinic)
    _require_self_or_owner(by, practitioner, clinic)
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
    *, practitioner, clinic, starts_at: datetime.datetime, ends_at: datetime.datetime, reason: str, by
) -> TimeOff:
    """Record time off; appointments already booked in it stay (the caller shows them to rebook)."""
    _require_practitioner(practitioner, clinic)
    _require_self_or_owner(by, practitioner, clinic)
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
        created_by=by,
    )
    time_off.full_clean()
    time_off.save()
    return time_off


@transaction.atomic
def remove_time_off(*, time_off: TimeOff, by) -> None:
    _require_self_or_owner(by, time_off.practitioner, time_off.clinic)
    time_off.delete()


# --- calendar feed -------------------------------------------------------------------------------


@transaction.atomic
def create_calendar_feed(*, practitioner, by) -> tuple[CalendarFeed, str]:
    """Make a new private feed URL for the practitioner; the old one stops working. Returns (feed, token)."""
    membership = _membership(by)
    if by.pk != practitioner.pk or membership is None:
        raise ClinicRuleError("Each practitioner makes their own calendar feed.")
    _require_practitioner(practitioner, membership.clinic)
    now = timezone.now()
    CalendarFeed.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        clinic=membership.clinic, practitioner=practitioner, token_hash=hash_token(token)
    )
    return feed, token


@transaction.atomic
def revoke_calendar_feed(*, practitioner, by) -> int:
    """Stop the practitioner's feed URL; calendar apps subscribed to it get 'not found' from now on."""
    if by.pk != practitioner.pk:
        raise ClinicRuleError("Each practitioner revokes their own calendar feed.")
    return CalendarFeed.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def touch_feed(feed: CalendarFeed) -> None:
    """Note when a calendar app last read the feed (shown to the practitioner), at most once a minute."""
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > datetime.timedelta(minutes=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)


# --- reminders -----------------------------------------------------------------------------------


def reminder_due_at(appointment: Appointment) -> datetime.datetime:
    return appointment.starts_at - datetime.timedelta(hours=appointment.clinic.settings.reminder_hours_before)


def _schedule_reminder(appointment: Appointment) -> None:
    """Queue the reminder for its due time when the task backend can defer; otherwise the sweep sends it."""
    from django.tasks import default_task_backend

    from knotwork.scheduling.tasks import send_appointment_reminder

    if not default_task_backend.supports_defer:
        return
    due = reminder_due_at(appointment)
    appointment_id = appointment.pk
    transaction.on_commit(lambda: send_appointment_reminder.using(run_after=due).enqueue(appointment_id=appointment_id))


def reminder_text(appointment: Appointment) -> tuple[str, str]:
    """Subject and body of a reminder: when, where, with whom, how to change it; nothing clinical."""
    clinic = appointment.clinic
    patient = appointment.patient
    when = local_when_text(appointment.starts_at, clinic)
    lines = [
        f"Hello {patient.preferred_name or patient.first_name},",
        "",
        f"This is a reminder of your appointment at {clinic.name}:",
        "",
        f"  {when} ({clinic.time_zone} time)",
        f"  with {practitioner_name(appointment.practitioner)}",
    ]
    if clinic.address:
        lines += ["", "Address:", *[f"  {line}" for line in clinic.address.splitlines() if line.strip()]]
    change = f"please phone the clinic on {clinic.phone}" if clinic.phone else "please phone the clinic"
    lines += ["", f"To change or cancel this appointment, {change}.", "", clinic.name]
    return f"[{clinic.name}] Appointment reminder: {when}", "\n".join(lines) + "\n"


@transaction.atomic
def send_reminder(*, appointment_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one appointment's reminder if it is still due; safe to call twice or for a moved appointment."""
    from knotwork.followup.messaging import send_to_patient
    from knotwork.followup.models import MessageStatus

    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinic__settings", "patient", "practitioner")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or appointment.status != AppointmentStatus.BOOKED or appointment.reminder_sent_at:
        return False
    if not reminder_due_at(appointment) <= now < appointment.starts_at:
        return False
    subject, body = reminder_text(appointment)
    message = send_to_patient(
        patient=appointment.patient,
        subject=subject,
        body=body,
        purpose="reminder",
        reference=str(appointment.public_id),
    )
    if message.status == MessageStatus.FAILED:
        logger.warning("Reminder for appointment %s failed (%s); will retry", appointment.public_id, message.error)
        return False
    appointment.reminder_sent_at = now
    appointment.save(update_fields=["reminder_sent_at", "updated_at"])
    return True


def send_due_reminders(*, now: datetime.datetime) -> int:
    """Send every due, unsent reminder of every clinic (for cron); return how many were sent."""
    from knotwork.clinics.models import ClinicSettings

    sent = 0
    for clinic_settings in ClinicSettings.objects.all():
        window_end = now + datetime.timedelta(hours=clinic_settings.reminder_hours_before)
        ids = Appointment.objects.filter(
            clinic_id=clinic_settings.clinic_id,
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=window_end,
        ).values_list("pk", flat=True)
        for appointment_id in list(ids):
            sent += send_reminder(appointment_id=appointment_id, now=now)
    return sent
