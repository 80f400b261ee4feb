"""Wall-clock arithmetic in a clinic's time zone, without Django: daylight saving is decided here, once.

A clinic books in local wall-clock time; the database keeps UTC. Two local times need a rule:
- a time in the spring-forward gap (01:30 on the last Sunday of March in London) does not exist: booking
  it is refused (`NonexistentTime`); for working hours that start in a gap, the stretch starts when the
  clocks resume;
- a time in the fall-back overlap (01:30 on the last Sunday of October in London) happens twice: Knotwork
  always means the first of the two (`fold=0`, still summer time), so the same input gives the same instant.
"""

import datetime
import zoneinfo

UTC = datetime.UTC


# The calendar's range: wide enough for any real booking, narrow enough that day arithmetic never overflows.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)


def clamp_day(day: datetime.date) -> datetime.date:
    return min(max(day, FIRST_DAY), LAST_DAY)


class NonexistentTime(ValueError):
    """A local time the clocks skip (spring forward)."""


def is_nonexistent(day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo) -> bool:
    local = datetime.datetime.combine(day, at, tzinfo=tz)
    back = local.astimezone(UTC).astimezone(tz)
    return back.replace(tzinfo=None) != local.replace(tzinfo=None)


def is_ambiguous(day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo) -> bool:
    first = datetime.datetime.combine(day, at, tzinfo=tz)
    second = first.replace(fold=1)
    return first.utcoffset() != second.utcoffset() and not is_nonexistent(day, at, tz)


def to_utc(day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The instant a local date and time name; refuse a skipped time, take the first of a repeated one."""
    if is_nonexistent(day, at, tz):
        raise NonexistentTime(
            f"{at:%H:%M} on {day:%d %B %Y} does not exist in {tz.key}: the clocks go forward then. "
            "Choose a time after the change."
        )
    return datetime.datetime.combine(day, at.replace(fold=0), tzinfo=tz).astimezone(UTC)


def to_utc_lenient(day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Like `to_utc`, but a skipped time moves to when the clocks resume (for working-hours edges)."""
    if is_nonexistent(day, at, tz):
        # Walk forward minute by minute to the first real local time (gaps are at most a few hours).
        probe = datetime.datetime.combine(day, at)
        for _ in range(24 * 60):
            probe += datetime.timedelta(minutes=1)
            if not is_nonexistent(probe.date(), probe.time(), tz):
                return to_utc(probe.date(), probe.time(), tz)
    return to_utc(day, at, tz)


def end_of_stretch(day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The instant a stretch ending at local `at` ends; midnight (00:00) as an end means the next day's start."""
    if at == datetime.time(0, 0):
        return to_utc_lenient(day + datetime.timedelta(days=1), at, tz)
    return to_utc_lenient(day, at, tz)


def day_bounds(day: datetime.date, tz: zoneinfo.ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC instants a local day starts and ends (23 or 25 hours apart on a change day)."""
    return to_utc_lenient(day, datetime.time(0, 0), tz), to_utc_lenient(
        day + datetime.timedelta(days=1), datetime.time(0, 0), tz
    )


def local(instant: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    return instant.astimezone(tz)


def on_grid(instant: datetime.datetime, minutes: int) -> bool:
    utc = instant.astimezone(UTC)
    return utc.second == 0 and utc.microsecond == 0 and utc.minute % minutes == 0


def steps(starts: datetime.datetime, ends: datetime.datetime, step: datetime.timedelta) -> list[datetime.datetime]:
    """Instants from `starts` (inclusive) to `ends` (exclusive), `step` apart, in UTC."""
    found = []
    moment = starts.astimezone(UTC)
    while moment < ends:
        found.append(moment)
        moment += step
    return found
