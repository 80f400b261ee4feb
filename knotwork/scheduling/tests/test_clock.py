import datetime
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.scheduling import clock

ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]


@given(
    day=st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0, tzinfo=None)),
    zone=st.sampled_from(ZONES),
)
def test_every_local_time_either_round_trips_or_is_refused(day, at, zone):
    tz = zoneinfo.ZoneInfo(zone)
    try:
        instant = clock.to_utc(day, at, tz)
    except clock.NonexistentTime:
        assert clock.is_nonexistent(day, at, tz)
        assert clock.to_utc_lenient(day, at, tz) > clock.to_utc(day, datetime.time(0), tz)
        return
    back = instant.astimezone(tz)
    assert (back.date(), back.time().replace(fold=0)) == (day, at)
    assert back.fold == 0  # a repeated time is always the first one


@given(day=st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31)))
def test_a_local_day_lasts_23_24_or_25_hours(day):
    start, end = clock.day_bounds(day, zoneinfo.ZoneInfo("Europe/London"))
    assert end - start in {datetime.timedelta(hours=h) for h in (23, 24, 25)}


@pytest.mark.parametrize(("minute", "second", "ok"), [(0, 0, True), (15, 0, True), (7, 0, False), (10, 30, False)])
def test_the_grid(minute, second, ok):
    assert clock.on_grid(datetime.datetime(2026, 1, 1, 9, minute, second, tzinfo=datetime.UTC), 5) is ok
