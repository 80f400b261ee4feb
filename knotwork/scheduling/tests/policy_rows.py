"""Who may call the calendar's newer services (rows for tests/test_policy_table.py): all staff book and cancel
repeating appointments; the owner keeps the rooms. The older scheduling rows live in the main table."""

import datetime

from knotwork.scheduling import services
from tests.policy_actors import FRONT_DESK, OWNER, PRACTITIONER

STAFF = {OWNER, PRACTITIONER, FRONT_DESK}


def _series(w):
    return {
        "patient": w.patient,
        "practitioner": w.practitioner,
        "appointment_type": w.appointment_type,
        "starts_at": w.tomorrow_10 + datetime.timedelta(days=14, hours=3),
        "every_weeks": 1,
        "count": 2,
        "allow_outside_hours": True,
    }


def _booked_series(w):
    return services.book_series(**_series(w), by=w.owner).appointments[0]


def _room(w):
    return services.create_room(clinic=w.clinic, name="Room 1", by=w.owner)


ROWS = {
    "scheduling.services.series.book_series": (STAFF, _series),
    "scheduling.services.series.cancel_series": (
        STAFF,
        lambda w: {"appointment": _booked_series(w), "reason": "Moving away"},
    ),
    "scheduling.services.rooms.create_room": ({OWNER}, lambda w: {"clinic": w.clinic, "name": "Room 2"}),
    "scheduling.services.rooms.update_room": (
        {OWNER},
        lambda w: {"room": _room(w), "name": "Room 1 (upstairs)", "is_active": True},
    ),
}

NOT_SERVICES = {
    # A pure helper: the start of each occurrence of a series; writes nothing.
    "scheduling.services.series.series_starts",
}
