"""Moments of a clinic's life that higher floors react to, registering in their AppConfig.ready."""

from knotwork.core.hooks import Hook

time_zone_changed = Hook(
    "clinics.time_zone_changed",
    "The clinic's time zone changed: (user=, old_time_zone=, new_time_zone=) -> a warning for the owner, or None. "
    "Scheduling says how many booked appointments now show another clock time.",
)
