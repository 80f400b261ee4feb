"""Every clinical default Knotwork ships, with where it comes from.

Each one is a field of `ClinicSettings`, so a clinic can change it; this module only says what a new
clinic starts with and why. Later parts of the product read the clinic's value, never these constants.
"""

from dataclasses import dataclass

from knotwork.core import defaults as core_defaults

SEED_MYOTHERAPY = "seed 000 (trigger point myotherapy for lower back pain; docs/clinical-sources.md#seed-texts)"


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
SORENESS_FLAG_THRESHOLD = Default(
    4,
    "/10",
    "Knotwork default, no source sets a number [CHECK with the clinical owner]: soreness of 4/10 or more still "
    "present at the second check-in raises a flag (docs/clinical-sources.md#soreness-after-treatment: soreness "
    "may last ~72 h, so the flag asks the practitioner to look, it does not alarm the patient)",
)
RESPONDER_POINTS = Default(
    2,
    "points",
    "docs/clinical-sources.md#responder-rule: NPRS reduction of 2 points (Farrar 2001; LBP consensus, Ostelo 2008)",
)
RESPONDER_PERCENT = Default(
    30, "%", "docs/clinical-sources.md#responder-rule: NPRS reduction of 30 % from baseline (Farrar 2001; Ostelo 2008)"
)
ODI_IMPORTANT_CHANGE = Default(
    10, "points", "docs/clinical-sources.md#oswestry-disability-index: ODI MCID 10 points (Ostelo 2008)"
)
NDI_IMPORTANT_CHANGE = Default(
    5, "raw points", "docs/clinical-sources.md#neck-disability-index: NDI MCID/MDC 5 raw points (Vernon)"
)
PSFS_IMPORTANT_CHANGE = Default(
    2,
    "points",
    "docs/clinical-sources.md#patient-specific-functional-scale: PSFS MDC90 2 points for the mean (Stratford 1995)",
)
PLAN_BACKDATE_DAYS_MAX = Default(
    7,
    "days",
    "Knotwork default, no clinical source: a course may start at most a week in the past (recording a course begun "
    "on paper); an earlier start needs an explicit override",
)
FOLLOW_UP_GAP_DAYS_MIN = Default(
    1,
    "days",
    "Knotwork default, no clinical source: a proposed course puts its first follow-up at least a day after the first "
    "visit (the seed's 24-36 h soreness window passes before the next treatment)",
)
REMINDER_HOURS_BEFORE = Default(24, "h", "Knotwork default: appointment reminders go out a day ahead")
PATIENT_CHANGE_NOTICE_HOURS = Default(
    24,
    "h",
    "Knotwork default, no clinical source: a common clinic cancellation policy; patients move or cancel a visit from "
    "their care page up to a day before it, later they call",
)
SESSION_TIMEOUT_MINUTES = Default(
    core_defaults.SESSION_TIMEOUT_MINUTES, "min", "Knotwork security default: sign out after 30 idle minutes"
)

ALL = {
    "hold_seconds_min": HOLD_SECONDS_MIN,
    "hold_seconds_max": HOLD_SECONDS_MAX,
    "course_window_days_min": COURSE_WINDOW_DAYS_MIN,
    "course_window_days_max": COURSE_WINDOW_DAYS_MAX,
    "course_max_sessions": COURSE_MAX_SESSIONS,
    "soreness_fade_hours_min": SORENESS_FADE_HOURS_MIN,
    "soreness_fade_hours_max": SORENESS_FADE_HOURS_MAX,
    "soreness_flag_threshold": SORENESS_FLAG_THRESHOLD,
    "responder_points": RESPONDER_POINTS,
    "responder_percent": RESPONDER_PERCENT,
    "odi_important_change": ODI_IMPORTANT_CHANGE,
    "ndi_important_change": NDI_IMPORTANT_CHANGE,
    "psfs_important_change": PSFS_IMPORTANT_CHANGE,
    "plan_backdate_days_max": PLAN_BACKDATE_DAYS_MAX,
    "follow_up_gap_days_min": FOLLOW_UP_GAP_DAYS_MIN,
    "reminder_hours_before": REMINDER_HOURS_BEFORE,
    "patient_change_notice_hours": PATIENT_CHANGE_NOTICE_HOURS,
    "session_timeout_minutes": SESSION_TIMEOUT_MINUTES,
}
