"""Spreading a course's sessions across its window (pure arithmetic)."""

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from knotwork.plans.proposal import spread_slots, target_days

TZ = ZoneInfo("Europe/London")
MONDAY = datetime.date(2026, 3, 2)


def at(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = MONDAY + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ).astimezone(datetime.UTC)


def test_four_sessions_over_fourteen_days_land_every_three_or_four_days():
    assert target_days(MONDAY, MONDAY + datetime.timedelta(days=14), 4) == [
        MONDAY + datetime.timedelta(days=d) for d in (0, 3, 7, 10)
    ]


def test_the_preferred_time_is_taken_when_free_and_one_session_per_day():
    free = [at(d, h) for d in range(15) for h in (9, 11, 15)]
    chosen = spread_slots(
        free,
        starts_on=MONDAY,
        ends_on=MONDAY + datetime.timedelta(days=14),
        count=4,
        tz=TZ,
        preferred_time=datetime.time(11, 0),
    )
    assert chosen == [at(0, 11), at(3, 11), at(7, 11), at(10, 11)]


def test_a_full_day_moves_the_session_to_the_next_free_day():
    free = [at(d, 9) for d in (1, 4, 5, 8, 12)]
    chosen = spread_slots(free, starts_on=MONDAY, ends_on=MONDAY + datetime.timedelta(days=14), count=4, tz=TZ)
    assert chosen == [at(1, 9), at(4, 9), at(8, 9), at(12, 9)]


def test_fewer_slots_come_back_when_the_diary_is_full():
    free = [at(13, 9)]
    chosen = spread_slots(free, starts_on=MONDAY, ends_on=MONDAY + datetime.timedelta(days=14), count=4, tz=TZ)
    assert chosen == [at(13, 9)]


def test_slots_outside_the_window_are_never_proposed():
    free = [at(-1, 9), at(15, 9), at(20, 9)]
    assert spread_slots(free, starts_on=MONDAY, ends_on=MONDAY + datetime.timedelta(days=14), count=4, tz=TZ) == []


def test_the_window_is_judged_on_the_clinic_day_not_utc():
    # 00:30 local on the day after the window (summer time, UTC+1) is still the window's last day in UTC.
    late = datetime.datetime(2026, 6, 16, 0, 30, tzinfo=TZ)
    chosen = spread_slots(
        [late.astimezone(datetime.UTC)],
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 6, 15),
        count=1,
        tz=TZ,
    )
    assert chosen == []


@given(
    offsets=st.lists(st.tuples(st.integers(-3, 20), st.integers(8, 17)), max_size=60),
    count=st.integers(0, 8),
    span=st.integers(0, 21),
    preferred=st.none() | st.integers(7, 18).map(lambda h: datetime.time(h, 0)),
)
def test_proposals_are_free_inside_the_window_one_a_day_and_no_more_than_asked(offsets, count, span, preferred):
    free = [at(d, h) for d, h in offsets]
    ends_on = MONDAY + datetime.timedelta(days=span)
    chosen = spread_slots(free, starts_on=MONDAY, ends_on=ends_on, count=count, tz=TZ, preferred_time=preferred)
    assert len(chosen) <= count
    assert set(chosen) <= set(free)
    days = [slot.astimezone(TZ).date() for slot in chosen]
    assert all(MONDAY <= day <= ends_on for day in days)
    assert days == sorted(set(days))  # in order, never two on one day
    free_days = {slot.astimezone(TZ).date() for slot in free if MONDAY <= slot.astimezone(TZ).date() <= ends_on}
    if count and free_days:
        assert chosen  # a free day in the window always yields a proposal
