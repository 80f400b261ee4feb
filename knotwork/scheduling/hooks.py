"""Moments of the calendar that higher floors take part in, registering in their AppConfig.ready."""

from knotwork.core.hooks import Hook

appointment_changed = Hook(
    "scheduling.appointment_changed",
    "An appointment was booked, moved or cancelled and the change is committed: "
    "(appointment=, change='booked'|'moved'|'cancelled', by=, previous_starts_at=) -> nothing. "
    "The portal sends the patient's confirmation, change or cancellation message; online booking offers freed "
    "time to the waitlist. A callback must not raise: the change has already been made.",
)
