"""The clinic's calendar: appointment types, practitioners' working hours and time off, appointments.

Times of appointments and time off are stored as aware UTC datetimes; working hours are wall-clock times in
the clinic's time zone, so 09:00 stays 09:00 local on both sides of a daylight-saving change.

No double booking is enforced by the database on every engine: an active appointment owns one
`AppointmentBlock` row per 5-minute block it occupies, and a practitioner, a patient or a room cannot own the
same block twice (`UniqueConstraint`). SQLite has no exclusion constraints, so a range constraint would only
protect PostgreSQL; unique rows on a fixed grid protect both.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import validate_line, validate_text

GRID_MINUTES = 5  # bookings start and end on this grid; one block row per grid step
GRID = datetime.timedelta(minutes=GRID_MINUTES)


def validate_on_grid(minutes: int) -> None:
    if minutes % GRID_MINUTES:
        raise ValidationError(f"Use a multiple of {GRID_MINUTES} minutes.")


# No appointment is longer than this (a type is at most 480 minutes): the check constraint below holds it, and so
# an overlap query can bound the start from below too (`starts_at > start - LONGEST_APPOINTMENT`) and read only the
# week's rows of its index instead of every appointment that started before the week.
LONGEST_APPOINTMENT = datetime.timedelta(hours=8)

# The calendar's colours: a light fill, a strong edge and one dark text colour. Every fill keeps the text at a
# contrast ratio of at least 7:1 (WCAG AAA) and every edge at least 3:1 against its fill (checked in
# tests/test_calendar_colours.py); the classes `appt-colour-<key>` in static/css/calendar.css use the same values.
TEXT_COLOUR = "#17252b"
PALETTE: dict[str, tuple[str, str, str]] = {
    # key: (label, fill, edge)
    "teal": ("Teal", "#d9eef0", "#1f7a82"),
    "blue": ("Blue", "#dde8fa", "#2b5fb4"),
    "green": ("Green", "#dcefdc", "#2e7d32"),
    "amber": ("Amber", "#fbedc9", "#8a5d00"),
    "orange": ("Orange", "#fde2d0", "#a8481a"),
    "rose": ("Rose", "#f9dde4", "#a82d4b"),
    "purple": ("Purple", "#ebe0f6", "#6f42a8"),
    "grey": ("Grey", "#e6eaeb", "#56666c"),
}


class TypeColour(models.TextChoices):
    TEAL = "teal", "Teal"
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    ORANGE = "orange", "Orange"
    ROSE = "rose", "Rose"
    PURPLE = "purple", "Purple"
    GREY = "grey", "Grey"


class Room(ClinicScoped):
    """A treatment room or a shared resource (a couch, an ultrasound unit) that one appointment uses at a time."""

    name = models.CharField(max_length=80, validators=[validate_line])
    is_active = models.BooleanField("in use", default=True, help_text="Untick to stop booking this room.")

    class Meta(ClinicScoped.Meta):
        ordering = ["-is_active", "name"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic",
                "name",
                name="room_name_unique_per_clinic",
                violation_error_message="The clinic already has a room with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AppointmentType(ClinicScoped):
    """A kind of visit with its usual length ("First visit", 60 minutes); the owner keeps the list."""

    name = models.CharField(max_length=80, validators=[validate_line])
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)",
        validators=[MinValueValidator(5), MaxValueValidator(480), validate_on_grid],
        help_text="5 to 480 minutes, in steps of 5.",
    )
    is_active = models.BooleanField("offered", default=True, help_text="Untick to stop booking this type.")
    colour = models.CharField(
        max_length=10,
        choices=TypeColour.choices,
        default=TypeColour.TEAL,
        help_text="Its blocks on the calendar; every colour keeps the text easy to read.",
    )
    needs_room = models.BooleanField(
        "needs a room", default=False, help_text="Tick when every booking of this type must reserve a room."
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-is_active", "duration_minutes", "name"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic",
                "name",
                name="appointment_type_name_unique_per_clinic",
                violation_error_message="The clinic already has an appointment type with this name.",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="appointment_type_duration_range",
                violation_error_message="An appointment lasts 5 to 480 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(ClinicScoped):
    """One stretch of a practitioner's usual week, in the clinic's wall-clock time (Monday 09:00-17:00)."""

    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta(ClinicScoped.Meta):
        verbose_name_plural = "working hours"
        ordering = ["practitioner", "weekday", "starts"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(starts__lt=F("ends")),
                name="working_hours_ordered",
                violation_error_message="Working hours must end after they start.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class TimeOff(ClinicScoped):
    """A stretch when a practitioner does not see patients (leave, a course, an appointment of their own)."""

    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(
        max_length=200, blank=True, help_text="Shown to staff only, e.g. annual leave.", validators=[validate_line]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        verbose_name_plural = "time off"
        ordering = ["starts_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="time_off_ordered",
                violation_error_message="Time off must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Time off {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"  # expected; holds the practitioner's and the patient's time
    ATTENDED = "attended", "Attended"  # the patient came; keeps holding the time it used
    CANCELLED = "cancelled", "Cancelled"  # called off by the clinic or the patient; frees the time
    NO_SHOW = "no_show", "Did not attend"  # the patient did not come and did not cancel; frees the time


# Which status may follow which; `knotwork.scheduling.services` enforces it. A move keeps the status "booked".
APPOINTMENT_TRANSITIONS = {
    AppointmentStatus.BOOKED: {AppointmentStatus.ATTENDED, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW},
    AppointmentStatus.ATTENDED: set(),
    AppointmentStatus.CANCELLED: set(),
    AppointmentStatus.NO_SHOW: set(),
}

# States whose appointments occupy time (own block rows).
HOLDING_TIME = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED)


class AppointmentSource(models.TextChoices):
    """Where a booking came from, shown on the calendar and the appointment page."""

    STAFF = "staff", "Booked by staff"
    ONLINE = "online", "Booked online"
    WAITLIST = "waitlist", "Taken from the waitlist"
    API = "api", "Booked through the API"
    IMPORT = "import", "Imported"


class Appointment(ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments", db_constraint=False
    )
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments", db_constraint=False
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        db_constraint=False,
    )
    session = models.ForeignKey(
        "treatment.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    notes = models.CharField(
        max_length=500, blank=True, help_text="For staff, e.g. parking, interpreter.", validators=[validate_text]
    )
    outside_hours = models.BooleanField(
        default=False, help_text="booked outside the practitioner's working hours on purpose"
    )
    cancel_reason = models.CharField(max_length=300, blank=True, validators=[validate_line])
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="the member of staff who booked; empty when the patient booked online or Knotwork did",
    )
    source = models.CharField(
        max_length=12, choices=AppointmentSource.choices, default=AppointmentSource.STAFF, editable=False
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments", db_constraint=False
    )
    series = models.UUIDField(
        null=True, blank=True, editable=False, help_text="shared by the appointments of one repeating booking"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["starts_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="appointment_ordered",
                violation_error_message="An appointment must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__lte=F("starts_at") + LONGEST_APPOINTMENT),
                name="appointment_at_most_8_hours",
                violation_error_message="An appointment lasts at most 8 hours.",
            ),
            ClinicForeignKey(field="patient", name="scheduling_appointment_patient_clinic_fk"),
            ClinicForeignKey(field="appointment_type", name="scheduling_appointment_appointment_type_clinic_fk"),
            ClinicForeignKey(field="plan", name="scheduling_appointment_plan_clinic_fk"),
            ClinicForeignKey(field="session", name="scheduling_appointment_session_clinic_fk"),
            ClinicForeignKey(field="room", name="scheduling_appointment_room_clinic_fk"),
        ]
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="appointment_clinic_start_idx"),
            models.Index(fields=["practitioner", "starts_at"], name="appointment_pract_start_idx"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_start_idx"),
            models.Index(fields=["series", "starts_at"], name="appointment_series_start_idx"),
            # The API's list pages by (updated_at, id) within the clinic (knotwork.core.pagination.rows_after).
            models.Index(fields=["clinic", "updated_at", "id"], name="appointment_sync_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type.name} for {self.patient.chart_number} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:appointment", args=[self.public_id])

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDING_TIME

    @property
    def allowed_statuses(self) -> set[str]:
        return APPOINTMENT_TRANSITIONS[AppointmentStatus(self.status)]


class AppointmentBlock(models.Model):
    """One 5-minute block an active appointment occupies; the unique constraints forbid double booking.

    Rows exist only while the appointment holds time (booked or attended) and are written and removed by
    `knotwork.scheduling.services` in the same transaction as the appointment.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="blocks", db_constraint=False)
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    # The room the appointment uses, if any: a room is in one appointment per block too (NULLs never clash).
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("clinic", "practitioner", "starts_at", name="appointment_block_practitioner_once"),
            models.UniqueConstraint("clinic", "patient", "starts_at", name="appointment_block_patient_once"),
            models.UniqueConstraint("clinic", "room", "starts_at", name="appointment_block_room_once"),
            models.UniqueConstraint(fields=["clinic", "id"], name="scheduling_appointmentblock_clinic_key"),
            ClinicForeignKey(field="appointment", name="scheduling_appointmentblock_appointment_clinic_fk"),
            ClinicForeignKey(field="patient", name="scheduling_appointmentblock_patient_clinic_fk"),
            ClinicForeignKey(field="room", name="scheduling_appointmentblock_room_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Block {self.starts_at:%Y-%m-%d %H:%M} UTC"


class CalendarFeed(ClinicScoped):
    """A practitioner's private iCalendar subscription URL.

    Only the SHA-256 of the token is kept (knotwork.core.tokens): the URL is shown once, so a copy of the database
    cannot read anyone's calendar. Making a new URL revokes the old one.
    """

    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "token_hash"], name="scheduling_calendarfeed_token_hash_key"),
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic",
                "practitioner",
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_open_per_practitioner",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed ({'revoked' if self.revoked_at else 'active'})"
