"""Online booking: the clinic's rules for its public booking page, the bookings made there, and the waitlist.

The public page books through the same calendar services as the front desk (`knotwork.scheduling.services`), so a
booking online is refused for the same reasons (double booking, time off, off hours), and the database's block rows
keep two patients from taking one time. A waitlist offer holds a freed time for one patient for a while: the public
page does not offer a time an open offer holds.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from knotwork.booking import defaults
from knotwork.core import tokens
from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped
from knotwork.core.validators import validate_text


def _bounds(default, low: int, high: int) -> dict:
    return {
        "default": default.value,
        "validators": [MinValueValidator(low), MaxValueValidator(high)],
        "help_text": f"Default {default.value} {default.unit} — {default.source}.",
    }


class BookingSettings(ClinicScoped):
    """One clinic's online booking: on or off, what may be booked, and how near and far ahead.

    Off for a new clinic: the owner chooses the types first (docs/online-booking.md). Made on first use.
    """

    is_open = models.BooleanField(
        "take bookings online",
        default=False,
        help_text="Off for a new clinic: choose the appointment types first, then switch it on.",
    )
    bookable_types = models.ManyToManyField(
        "scheduling.AppointmentType",
        through="BookableType",
        blank=True,
        related_name="+",
        verbose_name="types patients may book online",
    )
    first_visit_types = models.ManyToManyField(
        "scheduling.AppointmentType",
        through="FirstVisitType",
        blank=True,
        related_name="+",
        verbose_name="first-visit types",
        help_text="With “first visit before follow-ups”, a patient without an attended visit may book only these.",
    )
    first_visit_first = models.BooleanField(
        "first visit before follow-ups",
        default=True,
        help_text="A new patient books a first-visit type; other types need a visit the patient attended.",
    )
    notice_hours = models.PositiveSmallIntegerField("book at least (h ahead)", **_bounds(defaults.NOTICE_HOURS, 0, 336))
    horizon_days = models.PositiveSmallIntegerField("book up to (days ahead)", **_bounds(defaults.HORIZON_DAYS, 1, 365))
    buffer_minutes = models.PositiveSmallIntegerField(
        "gap kept between visits (min)", **_bounds(defaults.BUFFER_MINUTES, 0, 60)
    )
    offer_hold_minutes = models.PositiveSmallIntegerField(
        "waitlist offers are held for (min)", **_bounds(defaults.OFFER_HOLD_MINUTES, 10, 1440)
    )

    class Meta(ClinicScoped.Meta):
        verbose_name_plural = "booking settings"
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", name="booking_settings_one_per_clinic"),
        ]

    def __str__(self) -> str:
        return f"Online booking ({'open' if self.is_open else 'closed'})"


class OnlineBooking(ClinicScoped):
    """An appointment a patient booked on the public page, for the front desk to look over.

    `possible_duplicates` are patients who may be the same person (same name and date of birth with other contact
    details, or the same email under another name): the booking made a new record, never merged it.
    """

    appointment = ClinicOneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="online_booking", db_constraint=False
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="online_bookings", db_constraint=False
    )
    new_patient = models.BooleanField(default=False, help_text="the booking registered the patient")
    possible_duplicates = models.ManyToManyField(
        "patients.Patient", through="PossibleDuplicate", blank=True, related_name="+"
    )
    needs_review = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="appointment", name="booking_onlinebooking_appointment_clinic_fk"),
            ClinicForeignKey(field="patient", name="booking_onlinebooking_patient_clinic_fk"),
            models.UniqueConstraint(fields=["clinic", "appointment"], name="booking_onlinebooking_appointment_once"),
        ]

    def __str__(self) -> str:
        return f"Online booking {self.public_id}"


class WaitlistStatus(models.TextChoices):
    ACTIVE = "active", "Waiting"  # matched against every time that frees up
    OFFERED = "offered", "Offered a time"  # an open offer holds a time for the patient
    BOOKED = "booked", "Booked"  # the patient took an offered time
    REMOVED = "removed", "Removed"  # taken off the list by the front desk or the patient


class ChosenType(models.Model):
    """An appointment type chosen in a clinic's booking settings: the rows of a many-to-many, with the clinic.

    Explicit (not Django's own table) so the rows carry the clinic and both keys include it (docs/postgresql.md).
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    settings = models.ForeignKey(BookingSettings, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["clinic", "id"], name="%(app_label)s_%(class)s_clinic_key"),
            models.UniqueConstraint(
                fields=["clinic", "settings", "appointment_type"], name="%(app_label)s_%(class)s_once"
            ),
            ClinicForeignKey(field="settings", name="%(app_label)s_%(class)s_settings_clinic_fk"),
            ClinicForeignKey(field="appointment_type", name="%(app_label)s_%(class)s_appointment_type_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Appointment type {self.appointment_type_id} in booking settings {self.settings_id}"


class BookableType(ChosenType):
    """A type patients may book online (`BookingSettings.bookable_types`)."""


class FirstVisitType(ChosenType):
    """A type a new patient books first (`BookingSettings.first_visit_types`)."""


class PossibleDuplicate(models.Model):
    """A patient on record who may be the one an online booking registered (`OnlineBooking.possible_duplicates`)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(OnlineBooking, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "id"], name="booking_possibleduplicate_clinic_key"),
            models.UniqueConstraint(fields=["clinic", "booking", "patient"], name="booking_possibleduplicate_once"),
            ClinicForeignKey(field="booking", name="booking_possibleduplicate_booking_clinic_fk"),
            ClinicForeignKey(field="patient", name="booking_possibleduplicate_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Possible duplicate {self.patient_id} of booking {self.booking_id}"


class WaitlistEntry(ClinicScoped):
    """A patient waiting for an earlier time: with whom (or anyone), what kind of visit, which days and hours."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="waitlist_entries", db_constraint=False
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="empty: any practitioner",
    )
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    earliest_on = models.DateField("from")
    latest_on = models.DateField("until")
    day_starts = models.TimeField("not before", default=datetime.time(7))
    day_ends = models.TimeField("done by", default=datetime.time(20))
    note = models.CharField(max_length=300, blank=True, validators=[validate_text])
    status = models.CharField(max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.ACTIVE)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="empty when the patient joined from their care page",
    )

    class Meta(ClinicScoped.Meta):
        verbose_name_plural = "waitlist entries"
        ordering = ["created_at", "pk"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(earliest_on__lte=F("latest_on")),
                name="waitlist_dates_ordered",
                violation_error_message="The last day must be on or after the first.",
            ),
            models.CheckConstraint(
                condition=Q(day_starts__lt=F("day_ends")),
                name="waitlist_times_ordered",
                violation_error_message="The latest time must be after the earliest.",
            ),
            ClinicForeignKey(field="patient", name="booking_waitlistentry_patient_clinic_fk"),
            ClinicForeignKey(field="appointment_type", name="booking_waitlistentry_appointment_type_clinic_fk"),
        ]
        indexes = [models.Index(fields=["clinic", "status", "created_at"], name="waitlist_clinic_status_idx")]

    def __str__(self) -> str:
        return f"Waitlist entry {self.public_id} ({self.get_status_display()})"


class OfferStatus(models.TextChoices):
    OPEN = "open", "Held for the patient"  # the link works until expires_at; the time is kept from others
    TAKEN = "taken", "Taken"  # the patient booked it
    EXPIRED = "expired", "Expired"  # not taken in time; offered to the next in line
    GONE = "gone", "No longer free"  # the time was booked otherwise before the patient took it
    WITHDRAWN = "withdrawn", "Withdrawn"  # the entry was removed while the offer was open


class WaitlistOffer(ClinicScoped):
    """A freed time offered to one waitlist entry by a private link; it holds the time until it expires.

    Only the hash of the link's token is kept; the token is the HMAC of the public id (core.tokens.derive_token),
    so the message can be made again but a copy of the database opens nothing.
    """

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers", db_constraint=False)
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "token_hash"], name="booking_waitlistoffer_token_hash_key"),
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="waitlist_offer_ordered",
                violation_error_message="An offered time must end after it starts.",
            ),
            ClinicForeignKey(field="entry", name="booking_waitlistoffer_entry_clinic_fk"),
            ClinicForeignKey(field="appointment_type", name="booking_waitlistoffer_appointment_type_clinic_fk"),
            ClinicForeignKey(field="appointment", name="booking_waitlistoffer_appointment_clinic_fk"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="waitlist_offer_open_idx")]

    def __str__(self) -> str:
        return f"Waitlist offer {self.public_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == OfferStatus.OPEN and self.expires_at > timezone.now()


def offer_token(offer: WaitlistOffer) -> str:
    return tokens.derive_token("knotwork.booking.WaitlistOffer", offer.public_id)


def offer_url(token: str) -> str:
    return settings.KNOTWORK_BASE_URL + reverse("booking:offer", args=[token])
