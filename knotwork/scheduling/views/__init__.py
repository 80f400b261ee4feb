"""Calendar pages; each module is one part of the calendar."""

from knotwork.scheduling.views.appointments import appointment_detail, appointment_ics, book
from knotwork.scheduling.views.availability import (
    appointment_type_edit,
    appointment_types,
    availability,
    time_off_delete,
)
from knotwork.scheduling.views.calendar_page import calendar
from knotwork.scheduling.views.feeds import feed, feed_ics

__all__ = [
    "appointment_detail",
    "appointment_ics",
    "appointment_type_edit",
    "appointment_types",
    "availability",
    "book",
    "calendar",
    "feed",
    "feed_ics",
    "time_off_delete",
]
