import contextlib
import functools
import uuid
import zoneinfo
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from knotwork.clinics import defaults
from knotwork.core.validators import text_validators, validate_line


def _zone_table() -> str:
    """The IANA zone.tab: one line per current zone (backward-compatible names such as US/Eastern are not in it)."""
    try:
        return resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        for root in zoneinfo.TZPATH:
            with contextlib.suppress(OSError):
                return Path(root, "zone.tab").read_text(encoding="utf-8")
    return ""


@functools.cache
def current_time_zones() -> frozenset[str]:
    """The current IANA zones a clinic can be in, and UTC; links kept for old names ("GB", "Asia/Calcutta") and
    the Etc/ offsets are left out."""
    listed = {line.split("\t")[2] for line in _zone_table().splitlines() if line and not line.startswith("#")}
    available = zoneinfo.available_timezones()
    return frozenset((listed & available) | {"UTC"}) if listed else frozenset(available)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(current_time_zones())]


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Clinic(models.Model):
    """One practice (tenant). Every clinical row points at one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, validators=[validate_line])
    phone = models.CharField(max_length=40, blank=True, validators=[validate_line])
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, max_length=500, validators=text_validators(500))
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        choices=time_zone_choices,
        help_text="Appointments, the calendar and check-in times are shown in this time zone.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"  # runs the clinic: staff, settings, audit, everything a practitioner can do
    PRACTITIONER = "practitioner", "Practitioner"  # examines, treats and writes clinical notes
    FRONT_DESK = "front_desk", "Front desk"  # patients, appointments, forms and invoices; no clinical notes


CLINICAL_ROLES = (Role.OWNER, Role.PRACTITIONER)


class Membership(models.Model):
    """A staff user's place in one clinic. A user belongs to one clinic."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_physician = models.BooleanField(
        "physician (may record injections)", default=False, help_text="Set by an owner for licensed physicians."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["clinic", "role", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"

    # Asked by the ground floor (knotwork.core: the admin site, the idle sign-out), which cannot import clinics.
    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def session_timeout_minutes(self) -> int:
        return self.clinic.settings.session_timeout_minutes


def _bounds(default: defaults.Default, low: int, high: int) -> dict:
    return {
        "default": default.value,
        "validators": [MinValueValidator(low), MaxValueValidator(high)],
        "help_text": f"Default {default.value} {default.unit} — {default.source}.",
    }


class ClinicSettings(models.Model):
    """The clinic's clinical defaults and policies; each starts at the value in `defaults.py`."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="settings")
    hold_seconds_min = models.PositiveSmallIntegerField(
        "shortest pressure hold (s)", **_bounds(defaults.HOLD_SECONDS_MIN, 1, 90)
    )
    hold_seconds_max = models.PositiveSmallIntegerField(
        "longest pressure hold (s)", **_bounds(defaults.HOLD_SECONDS_MAX, 1, 90)
    )
    course_window_days_min = models.PositiveSmallIntegerField(
        "relief expected from (days)", **_bounds(defaults.COURSE_WINDOW_DAYS_MIN, 1, 365)
    )
    course_window_days_max = models.PositiveSmallIntegerField(
        "relief expected by (days)", **_bounds(defaults.COURSE_WINDOW_DAYS_MAX, 1, 365)
    )
    course_max_sessions = models.PositiveSmallIntegerField(
        "sessions per course (at most)", **_bounds(defaults.COURSE_MAX_SESSIONS, 1, 100)
    )
    plan_backdate_days_max = models.PositiveSmallIntegerField(
        "a course may start in the past by at most (days)", **_bounds(defaults.PLAN_BACKDATE_DAYS_MAX, 0, 365)
    )
    follow_up_gap_days_min = models.PositiveSmallIntegerField(
        "first follow-up after the first visit (days, at least)", **_bounds(defaults.FOLLOW_UP_GAP_DAYS_MIN, 0, 60)
    )
    soreness_fade_hours_min = models.PositiveSmallIntegerField(
        "soreness expected to fade from (h); first check-in", **_bounds(defaults.SORENESS_FADE_HOURS_MIN, 1, 240)
    )
    soreness_fade_hours_max = models.PositiveSmallIntegerField(
        "soreness expected to fade by (h); second check-in", **_bounds(defaults.SORENESS_FADE_HOURS_MAX, 1, 240)
    )
    billing_method = models.CharField(
        "timed-code units",
        max_length=4,
        choices=[("cms", "CMS 8-minute rule (total minutes)"), ("ama", "AMA/CPT per code")],
        default="cms",
        help_text="CMS: Medicare Claims Processing Manual 100-04 ch. 5 §20.2; AMA: each code on its own (many payers).",
    )
    medicare_codes = models.BooleanField(
        "use Medicare codes", default=False, help_text="G0283 instead of 97014 for unattended electrical stimulation."
    )
    soreness_flag_threshold = models.PositiveSmallIntegerField(
        "flag soreness at the second check-in from (0-10)", **_bounds(defaults.SORENESS_FLAG_THRESHOLD, 1, 10)
    )
    responder_points = models.PositiveSmallIntegerField(
        "responder: pain down by at least (points)", **_bounds(defaults.RESPONDER_POINTS, 1, 10)
    )
    responder_percent = models.PositiveSmallIntegerField(
        "responder: or pain down by at least (%)", **_bounds(defaults.RESPONDER_PERCENT, 1, 100)
    )
    odi_important_change = models.PositiveSmallIntegerField(
        "Oswestry: important change (points)", **_bounds(defaults.ODI_IMPORTANT_CHANGE, 1, 100)
    )
    ndi_important_change = models.PositiveSmallIntegerField(
        "Neck Disability Index: important change (raw points)", **_bounds(defaults.NDI_IMPORTANT_CHANGE, 1, 50)
    )
    psfs_important_change = models.PositiveSmallIntegerField(
        "PSFS: important change (points)", **_bounds(defaults.PSFS_IMPORTANT_CHANGE, 1, 10)
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        "send appointment reminders (h before)", **_bounds(defaults.REMINDER_HOURS_BEFORE, 1, 168)
    )
    patient_change_notice_hours = models.PositiveSmallIntegerField(
        "patients may move or cancel online up to (h before)",
        **_bounds(defaults.PATIENT_CHANGE_NOTICE_HOURS, 0, 336),
    )
    session_timeout_minutes = models.PositiveSmallIntegerField(
        "sign out after idle (min)", **_bounds(defaults.SESSION_TIMEOUT_MINUTES, 5, 480)
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(hold_seconds_min__lte=F("hold_seconds_max")),
                name="hold_range_ordered",
                violation_error_message="The shortest hold must not be longer than the longest hold.",
            ),
            models.CheckConstraint(
                condition=Q(course_window_days_min__lte=F("course_window_days_max")),
                name="course_window_ordered",
                violation_error_message="The start of the relief window must not be after its end.",
            ),
            models.CheckConstraint(
                condition=Q(soreness_fade_hours_min__lte=F("soreness_fade_hours_max")),
                name="soreness_window_ordered",
                violation_error_message="The soreness window must start before it ends.",
            ),
            models.UniqueConstraint(fields=["clinic", "id"], name="clinics_clinicsettings_clinic_key"),
        ]

    def __str__(self) -> str:
        return f"Settings of {self.clinic}"
