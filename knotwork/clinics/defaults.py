"""Every clinical default Knotwork ships, with where it comes from.

Each one is a field of `ClinicSettings`, so a clinic can change it; this module only says what a new
clinic starts with and why. Later parts of the product read the clinic's value, never these constants.
"""

from dataclasses import dataclass

SEED_MYOTHERAPY = "seeds/000 (trigger point myotherapy for lower back pain)"


@dataclass(frozen=True)
class Default:
    value: int
    unit: str
    source: str


HOLD_SECONDS_MIN = Default(10, "s", f"{SEED_MYOTHERAPY}: pressure held for sustained periods of 10-30 seconds")
HOLD_SECONDS_MAX = Default(30, "s", f"{SEED_MYOTHERAPY}: pressure held for sustained periods of 10-30 seconds")
COURSE_WINDOW_DAYS_MIN = Default(4, "days", f"{SEED_MYOTHERAPY}: significant relief expected within 4-14 days")
COURSE_WINDOW_DAYS_MAX = Default(14, "days", f"{SEED_MYOTHERAPY}: significant relief expected within 4-14 days")
COURSE_MAX_SESSIONS = Default(4, "sessions", f"{SEED_MYOTHERAPY}: up to 4 treatment sessions in that window")
SORENESS_FADE_HOURS_MIN = Default(
    24, "h", f"{SEED_MYOTHERAPY}: soreness after a session should fade within 24-36 hours"
)
SORENESS_FADE_HOURS_MAX = Default(
    36,
    "h",
    f"{SEED_MYOTHERAPY}: soreness after a session should fade within 24-36 hours "
    "(studies report post-needling soreness up to about 72 h: a flag at 36 h asks the practitioner to look)",
)
SESSION_TIMEOUT_MINUTES = Default(30, "min", "Knotwork security default: sign out after 30 idle minutes")

ALL = {
    "hold_seconds_min": HOLD_SECONDS_MIN,
    "hold_seconds_max": HOLD_SECONDS_MAX,
    "course_window_days_min": COURSE_WINDOW_DAYS_MIN,
    "course_window_days_max": COURSE_WINDOW_DAYS_MAX,
    "course_max_sessions": COURSE_MAX_SESSIONS,
    "soreness_fade_hours_min": SORENESS_FADE_HOURS_MIN,
    "soreness_fade_hours_max": SORENESS_FADE_HOURS_MAX,
    "session_timeout_minutes": SESSION_TIMEOUT_MINUTES,
}
