"""The one way to change the calendar: book (once or repeating), move, cancel, mark attended or not; hours, time off,
rooms, feeds, reminders."""

from knotwork.scheduling.services.appointments import (
    BOOKING_HORIZON,
    KEEP_ROOM,
    book_appointment,
    cancel_appointment,
    local_start,
    mark_attended,
    mark_no_show,
    move_appointment,
)
from knotwork.scheduling.services.availability import (
    add_time_off,
    create_appointment_type,
    remove_time_off,
    set_working_hours,
    update_appointment_type,
)
from knotwork.scheduling.services.feeds import create_calendar_feed, revoke_calendar_feed, touch_feed
from knotwork.scheduling.services.reminders import (
    reminder_due_at,
    reminder_text,
    schedule_reminder,
    send_due_reminders,
    send_reminder,
)
from knotwork.scheduling.services.rooms import create_room, update_room
from knotwork.scheduling.services.rules import local_time_text, local_when_text, time_off_text
from knotwork.scheduling.services.series import (
    MOST_OCCURRENCES,
    SeriesClashError,
    SeriesResult,
    book_series,
    cancel_series,
    series_starts,
)

__all__ = [
    "BOOKING_HORIZON",
    "KEEP_ROOM",
    "MOST_OCCURRENCES",
    "SeriesClashError",
    "SeriesResult",
    "add_time_off",
    "book_appointment",
    "book_series",
    "cancel_appointment",
    "cancel_series",
    "create_appointment_type",
    "create_calendar_feed",
    "create_room",
    "local_start",
    "local_time_text",
    "local_when_text",
    "mark_attended",
    "mark_no_show",
    "move_appointment",
    "reminder_due_at",
    "reminder_text",
    "remove_time_off",
    "revoke_calendar_feed",
    "schedule_reminder",
    "send_due_reminders",
    "send_reminder",
    "series_starts",
    "set_working_hours",
    "time_off_text",
    "touch_feed",
    "update_appointment_type",
    "update_room",
]
