"""Calendar pages; each module is one part of the calendar."""

from knotwork.scheduling.views.appointments import appointment_detail, appointment_ics, book
from knotwork.scheduling.views.availability import (
    appointment_type_edit,
    appointment_types,
    availability,
    time_off_delete,
)
from knotwork.scheduling.views.calendar_moves import move, patient_search
from knotwork.scheduling.views.calendar_page import calendar
from knotwork.scheduling.views.feeds import feed, feed_ics
from knotwork.scheduling.views.rooms import room_edit, rooms

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
    "move",
    "patient_search",
    "room_edit",
    "rooms",
    "time_off_delete",
]
