"""The one way to change the calendar: book, move, cancel, mark attended or not; hours, time off, feeds, reminders."""

from knotwork.scheduling.services.appointments import (
    BOOKING_HORIZON,
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
from knotwork.scheduling.services.rules import local_time_text, local_when_text, time_off_text

__all__ = [
    "BOOKING_HORIZON",
    "add_time_off",
    "book_appointment",
    "cancel_appointment",
    "create_appointment_type",
    "create_calendar_feed",
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
    "set_working_hours",
    "time_off_text",
    "touch_feed",
    "update_appointment_type",
]
