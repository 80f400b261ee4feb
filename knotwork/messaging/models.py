from django.conf import settings
from django.db import models

from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped
from knotwork.core.validators import text_validators, validate_line


class MessagePurpose(models.TextChoices):
    LINK = "link", "Private form link"
    REMINDER = "reminder", "Appointment reminder"
    CHECK_IN = "check_in", "Soreness check-in"
    BOOKING = "booking", "Booking confirmation or change"
    LETTER = "letter", "Letter to the referring clinician"


class MessageStatus(models.TextChoices):
    SENT = "sent", "Sent"  # handed to the channel (email backend, SMS provider)
    FAILED = "failed", "Failed"  # the channel raised; the task may be retried
    UNREACHABLE = "unreachable", "No way to reach the patient"  # no email (or phone for SMS) on file
    RETRYING = "retrying", "Not sent yet: trying again"  # a text the gateway refused; tried again with backoff


class PatientMessage(ClinicScoped):
    """One attempt to reach a patient: what for, through which channel, the outcome (never the text)."""

    # By label: the patients app stands on a higher floor than messaging (docs/architecture.md).
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="messages", db_constraint=False
    )
    purpose = models.CharField(max_length=10, choices=MessagePurpose.choices)
    reference = models.CharField(max_length=64, blank=True, help_text="public id of the appointment or check-in")
    channel = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=12, choices=MessageStatus.choices)
    error = models.CharField(max_length=100, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        # The table the follow-up app created before messaging was an app of its own: the rows stay where they are.
        db_table = "followup_patientmessage"
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="messaging_patientmessage_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_status_display()})"


class ConsentSource(models.TextChoices):
    FRONT_DESK = "front_desk", "Recorded by staff"
    PATIENT = "patient", "Given by the patient (care page or booking)"


class TextConsent(ClinicScoped):
    """A patient's agreement to receive text messages on one number, and its withdrawal (STOP or staff).

    A new agreement is a new row; a withdrawn one is kept, so the record shows when texts were allowed.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="text_consents", db_constraint=False
    )
    phone = models.CharField(max_length=20, help_text="E.164, as texts are sent to it")
    source = models.CharField(max_length=12, choices=ConsentSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_via = models.CharField(max_length=10, blank=True, help_text="stop (a reply), staff or patient")

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint(
                "clinic",
                "patient",
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_open_text_consent_per_patient",
            ),
            ClinicForeignKey(field="patient", name="messaging_textconsent_patient_clinic_fk"),
        ]
        indexes = [models.Index(fields=["phone"], name="text_consent_phone_idx")]

    def __str__(self) -> str:
        return f"Text consent ({'withdrawn' if self.withdrawn_at else 'given'})"


class OutboundText(ClinicScoped):
    """A text the gateway has not accepted yet: kept (encrypted) only until it is sent or given up on.

    The body is needed to try again; it is encrypted with a key derived from SECRET_KEY and erased once the gateway
    takes the text or the last attempt fails. The message record (`PatientMessage`) keeps only the outcome.
    """

    message = ClinicOneToOneField(
        PatientMessage, on_delete=models.CASCADE, related_name="outbound_text", db_constraint=False
    )
    to = models.CharField(max_length=20)
    body_encrypted = models.BinaryField(default=b"", editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=100, blank=True)

    class Meta(ClinicScoped.Meta):
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="outbound_text_due_idx",
            )
        ]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="message", name="messaging_outboundtext_message_clinic_fk"),
            models.UniqueConstraint(fields=["clinic", "message"], name="messaging_outboundtext_message_once"),
        ]

    def __str__(self) -> str:
        return f"Text attempt {self.attempts}"


MESSAGE_BODY = 4_000


class MessageKind(models.TextChoices):
    """The messages about a visit whose words the clinic may change (Settings → Messages to patients)."""

    CONFIRMATION = "confirmation", "Booking confirmation"  # a visit was booked (by staff, online, the waitlist)
    CHANGE = "change", "Visit moved"  # a visit was moved to another time
    CANCELLATION = "cancellation", "Visit cancelled"  # a visit was cancelled (by the clinic or the patient)
    REMINDER = "reminder", "Appointment reminder"  # sent the clinic's reminder hours before the visit
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"  # a freed time offered to a patient on the waitlist


class MessageTemplate(ClinicScoped):
    """The clinic's own words for one kind of message; a kind without a row uses Knotwork's default words.

    Merge fields ({{patient_first_name}}) are checked when saved (knotwork.messaging.merge).
    """

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    subject = models.CharField(max_length=200, validators=[validate_line])
    body = models.TextField(max_length=MESSAGE_BODY, validators=text_validators(MESSAGE_BODY))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["kind"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "kind", name="one_message_template_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} template"
