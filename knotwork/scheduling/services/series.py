"""Repeating appointments: every N weeks, K times or until a date; cancel one and the ones after it."""

import dataclasses
import datetime
import uuid

from django.db import transaction

from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.scheduling import clock, selectors
from knotwork.scheduling.models import Appointment, AppointmentType
from knotwork.scheduling.services.appointments import book_appointment, cancel_appointment
from knotwork.scheduling.services.rules import local_when_text

MOST_OCCURRENCES = 52


@dataclasses.dataclass(frozen=True)
class Occurrence:
    """One date of a series that could not be booked, and why."""

    starts_at: datetime.datetime
    reason: str


@dataclasses.dataclass(frozen=True)
class SeriesResult:
    appointments: list[Appointment]
    skipped: list[Occurrence]


class SeriesClashError(ClinicRuleError):
    """Some dates of a series cannot be booked; nothing was booked. `clashes` lists them with the reason."""

    def __init__(self, message: str, clashes: list[Occurrence]):
        super().__init__(message)
        self.clashes = clashes


def series_starts(
    *, first: datetime.datetime, clinic, every_weeks: int, count: int | None = None, until: datetime.date | None = None
) -> list[datetime.datetime]:
    """The start of each occurrence at the same clinic-local clock time (so 10:00 stays 10:00 across a DST change)."""
    if not 1 <= every_weeks <= 12:
        raise ClinicRuleError("Repeat every 1 to 12 weeks.")
    if (count is None) == (until is None):
        raise ClinicRuleError("Say how many times to repeat, or until which date (one of the two).")
    tz = clinic.tzinfo
    local = clock.local(first, tz)
    day, at = local.date(), local.time().replace(tzinfo=None)
    step = datetime.timedelta(weeks=every_weeks)
    starts: list[datetime.datetime] = []
    while len(starts) < MOST_OCCURRENCES + 1:
        if count is not None and len(starts) >= count:
            break
        if until is not None and day > until:
            break
        starts.append(clock.to_utc_lenient(day, at, tz))
        day += step
    if count is not None and not 1 <= count <= MOST_OCCURRENCES:
        raise ClinicRuleError(f"Book 1 to {MOST_OCCURRENCES} appointments at a time.")
    if len(starts) > MOST_OCCURRENCES:
        raise ClinicRuleError(f"That is more than {MOST_OCCURRENCES} appointments: choose an earlier end date.")
    if not starts:
        raise ClinicRuleError("The end date is before the first appointment.")
    return starts


@transaction.atomic
def book_series(
    *,
    patient,
    practitioner,
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    by: Actor,
    every_weeks: int,
    count: int | None = None,
    until: datetime.date | None = None,
    skip_clashes: bool = False,
    notes: str = "",
    allow_outside_hours: bool = False,
    room=None,
) -> SeriesResult:
    """Book the same visit every `every_weeks` weeks, `count` times or until a date, each through
    `book_appointment` (same checks), in one transaction.

    All or nothing by default: when any date cannot be booked, nothing is, and `SeriesClashError.clashes` names each
    such date with the reason. With `skip_clashes`, the free dates are booked and the others reported as skipped.
    """
    require(by, "book_series", patient)
    starts = series_starts(first=starts_at, clinic=patient.clinic, every_weeks=every_weeks, count=count, until=until)
    series = uuid.uuid4()
    booked: list[Appointment] = []
    refused: list[Occurrence] = []
    for start in starts:
        try:
            with transaction.atomic():  # a refused date rolls back alone
                booked.append(
                    book_appointment(
                        patient=patient,
                        practitioner=practitioner,
                        appointment_type=appointment_type,
                        starts_at=start,
                        by=by,
                        notes=notes,
                        allow_outside_hours=allow_outside_hours,
                        room=room,
                        series=series,
                    )
                )
        except ClinicRuleError as error:
            refused.append(Occurrence(starts_at=start, reason=str(error)))
    if refused and (not skip_clashes or not booked):
        clinic = patient.clinic
        dates = "; ".join(f"{local_when_text(o.starts_at, clinic)}: {o.reason}" for o in refused)
        raise SeriesClashError(f"{len(refused)} of {len(starts)} dates cannot be booked, so none was: {dates}", refused)
    return SeriesResult(appointments=booked, skipped=refused)


@transaction.atomic
def cancel_series(*, appointment: Appointment, by: Actor, reason: str) -> list[Appointment]:
    """Cancel this appointment and the later booked ones of its series (this and following)."""
    require(by, "cancel_series", appointment)
    if not (reason or "").strip():
        raise ClinicRuleError("Give a reason for cancelling (for example: patient unwell, called to rebook).")
    following = list(selectors.list_series_from(appointment))
    if not following:
        raise ClinicRuleError("This appointment is no longer booked; there is nothing to cancel.")
    return [cancel_appointment(appointment=item, by=by, reason=reason) for item in following]
