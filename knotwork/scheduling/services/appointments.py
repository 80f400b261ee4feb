"""Book, move, cancel, mark attended or did not attend: the one way appointments change."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, PatientLinkActor, require
from knotwork.patients.models import PatientStatus
from knotwork.scheduling import clock, hooks, selectors
from knotwork.scheduling.models import (
    APPOINTMENT_TRANSITIONS,
    GRID,
    GRID_MINUTES,
    Appointment,
    AppointmentBlock,
    AppointmentSource,
    AppointmentStatus,
    AppointmentType,
)
from knotwork.scheduling.selectors import practitioner_name
from knotwork.scheduling.services.reminders import schedule_reminder
from knotwork.scheduling.services.rules import (
    check_practitioner,
    local_time_text,
    local_when_text,
    time_off_text,
)

logger = logging.getLogger(__name__)
BOOKING_HORIZON = datetime.timedelta(days=2 * 366)


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
            f"{practitioner_name(practitioner)} is away ({time_off_text(away, clinic)}). "
            "Choose another time or practitioner."
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
        room=appointment.room,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        exclude=appointment if appointment.pk else None,
    )
    for other in found:
        only_the_room = (
            other.practitioner_id != appointment.practitioner_id and other.patient_id != appointment.patient_id
        )
        room = appointment.room
        if only_the_room and room is not None and other.room_id == room.pk:
            raise ClinicRuleError(
                f"{room.name} is in use from {local_time_text(other.starts_at, clinic)} "
                f"until {local_time_text(other.ends_at, clinic)}. Choose another room or time."
            )
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
            room_id=appointment.room_id,
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
    appointment.status_changed_by = acting_staff(by)


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinic", "patient", "practitioner", "appointment_type", "room")
        .get(pk=appointment.pk)
    )


def _announce(appointment: Appointment, change: str, by: Actor, previous_starts_at=None) -> None:
    """Tell the higher floors (messages, waitlist) once the change is committed; a failing callback is logged."""

    def call() -> None:
        for callback in hooks.appointment_changed.callbacks:
            try:
                callback(appointment=appointment, change=change, by=by, previous_starts_at=previous_starts_at)
            except Exception:  # the appointment has changed; a message or offer that failed must not undo it
                logger.exception("After appointment %s was %s, %r failed", appointment.public_id, change, callback)

    transaction.on_commit(call)


def _check_room(room, clinic, appointment_type: AppointmentType) -> None:
    if room is None:
        if appointment_type.needs_room:
            raise ClinicRuleError(f"“{appointment_type.name}” needs a room: choose one.")
        return
    if room.clinic_id != clinic.pk:
        raise ClinicRuleError("Choose a room of this clinic.")
    if not room.is_active:
        raise ClinicRuleError(f"{room.name} is no longer in use. Choose another room.")


# `move_appointment` keeps the appointment's room unless told otherwise.
KEEP_ROOM = object()


def _check_patient_notice(appointment: Appointment, by: Actor, doing: str) -> None:
    """A patient changes a visit from the care page only up to the clinic's notice period before it."""
    if not isinstance(by, PatientLinkActor):
        return
    hours = appointment.clinic.settings.patient_change_notice_hours
    if appointment.starts_at - timezone.now() < datetime.timedelta(hours=hours):
        phone = appointment.clinic.phone
        call = f"please call the clinic on {phone}" if phone else "please call the clinic"
        raise ClinicRuleError(
            f"Visits can be {doing} online up to {hours} hours before they start; to change this one, {call}."
        )


# --- appointments --------------------------------------------------------------------------------


@transaction.atomic
def book_appointment(
    *,
    patient,
    practitioner,
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    by: Actor,
    plan=None,
    notes: str = "",
    allow_outside_hours: bool = False,
    source: str = AppointmentSource.STAFF,
    room=None,
    series=None,
) -> Appointment:
    """Book a patient with a practitioner; refuse double bookings, time off and (unless allowed) off hours.

    `source` records where the booking came from (staff, online, the waitlist, the API) for the calendar. `room`
    reserves a room too (required when the type needs one); a room is never double-booked. `series` (a UUID) ties
    the appointments of one repeating booking together (`book_series`)."""
    require(by, "book_appointment", patient)
    clinic = patient.clinic
    check_practitioner(practitioner, clinic)
    if appointment_type.clinic_id != clinic.pk:
        raise ClinicRuleError("Choose an appointment type of this clinic.")
    if not appointment_type.is_active:
        raise ClinicRuleError(f"“{appointment_type.name}” is no longer offered. Choose another appointment type.")
    if patient.status == PatientStatus.DISCHARGED:
        raise ClinicRuleError("This patient is discharged. Resume their care on the chart before booking.")
    if plan is not None and (plan.clinic_id != clinic.pk or plan.patient_id != patient.pk):
        raise ClinicRuleError("The treatment plan belongs to another patient.")
    _check_room(room, clinic, appointment_type)
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
        booked_by=acting_staff(by),
        source=AppointmentSource(source),
        room=room,
        series=series,
    )
    _raise_if_clash(appointment)
    appointment.full_clean()
    appointment.save()
    _claim_blocks(appointment)
    schedule_reminder(appointment)
    _announce(appointment, "booked", by)
    logger.info("Appointment %s booked", appointment.public_id)
    return appointment


@transaction.atomic
def move_appointment(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    by: Actor,
    practitioner=None,
    allow_outside_hours: bool = False,
    room=KEEP_ROOM,
) -> Appointment:
    """Move a booked appointment to another time (and practitioner); its blocks are replaced in one go.

    The appointment keeps its room (checked free at the new time) unless `room` names another one or None."""
    require(by, "move_appointment", appointment)
    appointment = _locked(appointment)
    clinic = appointment.clinic
    if appointment.status != AppointmentStatus.BOOKED:
        raise ClinicRuleError(f"This appointment is {appointment.get_status_display().lower()}; it cannot be moved.")
    _check_patient_notice(appointment, by, "moved")
    previous_starts_at = appointment.starts_at
    practitioner = practitioner or appointment.practitioner
    check_practitioner(practitioner, clinic)
    if room is not KEEP_ROOM:
        _check_room(room, clinic, appointment.appointment_type)
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
    if room is not KEEP_ROOM:
        appointment.room = room
    appointment.starts_at = starts_at.astimezone(datetime.UTC)
    appointment.ends_at = ends_at.astimezone(datetime.UTC)
    appointment.outside_hours = outside
    appointment.reminder_sent_at = None  # the reminder of the old time no longer counts
    appointment.full_clean()
    appointment.save()
    _claim_blocks(appointment)
    schedule_reminder(appointment)
    _announce(appointment, "moved", by, previous_starts_at=previous_starts_at)
    logger.info("Appointment %s moved", appointment.public_id)
    return appointment


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, by: Actor, reason: str) -> Appointment:
    require(by, "cancel_appointment", appointment)
    appointment = _locked(appointment)
    reason = (reason or "").strip()
    if not reason:
        raise ClinicRuleError("Give a reason for cancelling (for example: patient unwell, called to rebook).")
    _check_patient_notice(appointment, by, "cancelled")
    _change_status(appointment, AppointmentStatus.CANCELLED, by)
    appointment.cancel_reason = reason[:300]
    appointment.save()
    _free_blocks(appointment)
    _announce(appointment, "cancelled", by, previous_starts_at=appointment.starts_at)
    logger.info("Appointment %s cancelled", appointment.public_id)
    return appointment


@transaction.atomic
def mark_no_show(*, appointment: Appointment, by: Actor) -> Appointment:
    require(by, "mark_no_show", appointment)
    appointment = _locked(appointment)
    _check_transition(appointment, AppointmentStatus.NO_SHOW)
    if appointment.starts_at > timezone.now():
        raise ClinicRuleError("An appointment can be marked “did not attend” once its start time has passed.")
    _change_status(appointment, AppointmentStatus.NO_SHOW, by)
    appointment.save()
    _free_blocks(appointment)
    return appointment


@transaction.atomic
def mark_attended(*, appointment: Appointment, by: Actor, session=None) -> Appointment:
    require(by, "mark_attended", appointment)
    appointment = _locked(appointment)
    clinic = appointment.clinic
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
