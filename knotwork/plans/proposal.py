"""Spread a course's sessions across its window: pure arithmetic, no database.

The seed's course is up to 4 sessions within 4-14 days (both clinic settings). Given the practitioner's free
slots, pick at most one per day, aiming at evenly spaced target days across the window, each the free slot on
or after its target day closest to the preferred time of day. Fewer slots come back when the diary is full.
"""

import datetime
from zoneinfo import ZoneInfo


def target_days(starts_on: datetime.date, ends_on: datetime.date, count: int) -> list[datetime.date]:
    """Evenly spaced days from the first day of the window, the last landing before its end."""
    if count <= 0 or ends_on < starts_on:
        return []
    span = (ends_on - starts_on).days
    return [starts_on + datetime.timedelta(days=(index * span) // count) for index in range(count)]


def _minutes(moment: datetime.datetime) -> int:
    return moment.hour * 60 + moment.minute


def spread_slots(
    free: list[datetime.datetime],
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    count: int,
    tz: ZoneInfo,
    preferred_time: datetime.time | None = None,
) -> list[datetime.datetime]:
    """Choose up to `count` of the `free` slots inside [starts_on, ends_on], one per day, spread out."""
    by_day: dict[datetime.date, list[datetime.datetime]] = {}
    for slot in sorted(free):
        day = slot.astimezone(tz).date()
        if starts_on <= day <= ends_on:
            by_day.setdefault(day, []).append(slot)
    days = sorted(by_day)
    chosen: list[datetime.datetime] = []
    last_day: datetime.date | None = None
    for target in target_days(starts_on, ends_on, count):
        candidates = [day for day in days if day >= target and (last_day is None or day > last_day)]
        if not candidates:
            continue
        day = candidates[0]
        slots = by_day[day]
        if preferred_time is None:
            slot = slots[0]
        else:
            wanted = preferred_time.hour * 60 + preferred_time.minute
            slot = min(slots, key=lambda s: (abs(_minutes(s.astimezone(tz)) - wanted), s))
        chosen.append(slot)
        last_day = day
    return chosen
