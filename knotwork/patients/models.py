import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import validate_line


class ReferringClinician(ClinicScoped):
    """A doctor or other clinician who refers patients to the clinic and receives progress reports."""

    name = models.CharField(max_length=200, validators=[validate_line])
    profession = models.CharField(
        max_length=120,
        blank=True,
        help_text="e.g. General practitioner, orthopaedic surgeon",
        validators=[validate_line],
    )
    practice = models.CharField(max_length=200, blank=True, validators=[validate_line])
    phone = PhoneNumberField(blank=True)
    fax = PhoneNumberField(blank=True)
    email = models.EmailField(blank=True)
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", "A National Provider Identifier has exactly 10 digits.")],
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.practice}" if self.practice else self.name

    def get_absolute_url(self) -> str:
        return reverse("patients:referrer_edit", args=[self.public_id])


class Sex(models.TextChoices):
    # FHIR administrative gender, so an export needs no translation.
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown / not stated"


class PatientStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # under care or awaiting the first visit
    ON_HOLD = "on_hold", "On hold"  # treatment paused, e.g. a red flag awaiting a medical work-up
    DISCHARGED = "discharged", "Discharged"  # course finished or care ended


# Which status may follow which; `change_patient_status` enforces it.
ALLOWED_STATUS_CHANGES = {
    PatientStatus.ACTIVE: {PatientStatus.ON_HOLD, PatientStatus.DISCHARGED},
    PatientStatus.ON_HOLD: {PatientStatus.ACTIVE, PatientStatus.DISCHARGED},
    PatientStatus.DISCHARGED: {PatientStatus.ACTIVE},
}

OLDEST_PLAUSIBLE_BIRTH = datetime.date(1900, 1, 1)


def validate_date_of_birth(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError("The date of birth cannot be in the future.")
    if value < OLDEST_PLAUSIBLE_BIRTH:
        raise ValidationError("Please check the year: the date of birth is before 1900.")


class Patient(ClinicScoped):
    chart_number = models.CharField(
        max_length=20, help_text="Leave empty to number the chart automatically.", validators=[validate_line]
    )
    first_name = models.CharField(max_length=100, validators=[validate_line])
    last_name = models.CharField(max_length=100, validators=[validate_line])
    preferred_name = models.CharField(max_length=100, blank=True, validators=[validate_line])
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = PhoneNumberField(blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True, validators=[validate_line])
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True, validators=[validate_line])
    city = models.CharField(max_length=100, blank=True, validators=[validate_line])
    region = models.CharField("state / region", max_length=100, blank=True, validators=[validate_line])
    postal_code = models.CharField(max_length=20, blank=True, validators=[validate_line])
    emergency_contact_name = models.CharField(max_length=200, blank=True, validators=[validate_line])
    emergency_contact_relationship = models.CharField(max_length=100, blank=True, validators=[validate_line])
    emergency_contact_phone = PhoneNumberField(blank=True)
    referring_clinician = models.ForeignKey(
        ReferringClinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patients",
        db_constraint=False,
    )
    status = models.CharField(max_length=20, choices=PatientStatus.choices, default=PatientStatus.ACTIVE)
    status_reason = models.CharField(max_length=300, blank=True, validators=[validate_line])

    class Meta(ClinicScoped.Meta):
        ordering = ["last_name", "first_name", "date_of_birth"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic",
                "chart_number",
                name="patient_chart_number_unique_per_clinic",
                violation_error_message="Another patient of this clinic already has this chart number.",
            ),
            ClinicForeignKey(field="referring_clinician", name="patients_patient_referring_clinician_clinic_fk"),
        ]
        indexes = [
            models.Index("clinic", Lower("last_name"), Lower("first_name"), name="patient_name_idx"),
            # A first name typed alone (SQLite's prefix search; PostgreSQL also has trigram indexes, migration 0003)
            models.Index("clinic", Lower("first_name"), name="patient_first_name_idx"),
            # The search's chart-number arm (an exact match, any case). Without it PostgreSQL cannot combine the
            # name's trigram indexes for a search: one arm of the OR would have no index.
            models.Index(Upper("chart_number"), name="patient_chart_number_upper_idx"),
            models.Index(fields=["clinic", "date_of_birth"], name="patient_dob_idx"),
            # The API's list pages by (updated_at, id) within the clinic (knotwork.core.pagination.rows_after).
            models.Index(fields=["clinic", "updated_at", "id"], name="patient_sync_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.chart_number})"

    def get_absolute_url(self) -> str:
        return reverse("chart:patient", args=[self.public_id])  # the chart, composed on the top floor

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.first_name} “{self.preferred_name}” {self.last_name}"
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int:
        today = timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


class PatientDetails(TypedDict, total=False):
    """The demographic details staff enter and change, in the order the form shows them: the one list that the
    patient form (`Meta.fields`), the services (their keyword arguments) and the API's schemas are made from."""

    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: datetime.date
    sex: str
    chart_number: str
    phone: PhoneNumber | str
    email: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: PhoneNumber | str
    referring_clinician: ReferringClinician | None


PATIENT_FIELDS: tuple[str, ...] = tuple(PatientDetails.__annotations__)


class ReferrerDetails(TypedDict, total=False):
    """A referring clinician's details, in the order the form shows them (the form and the service take these)."""

    name: str
    profession: str
    practice: str
    phone: PhoneNumber | str
    fax: PhoneNumber | str
    email: str
    npi: str


REFERRER_FIELDS: tuple[str, ...] = tuple(ReferrerDetails.__annotations__)
