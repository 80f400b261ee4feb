from django.db import models

from knotwork.core.models import ClinicScoped


class MessagePurpose(models.TextChoices):
    LINK = "link", "Private form link"
    REMINDER = "reminder", "Appointment reminder"
    CHECK_IN = "check_in", "Soreness check-in"


class MessageStatus(models.TextChoices):
    SENT = "sent", "Sent"  # handed to the channel (email backend, SMS provider)
    FAILED = "failed", "Failed"  # the channel raised; the task may be retried
    UNREACHABLE = "unreachable", "No way to reach the patient"  # no email (or phone for SMS) on file


class PatientMessage(ClinicScoped):
    """One attempt to reach a patient: what for, through which channel, the outcome (never the text)."""

    # By label: the patients app stands on a higher floor than messaging (docs/architecture.md).
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="messages")
    purpose = models.CharField(max_length=10, choices=MessagePurpose.choices)
    reference = models.CharField(max_length=64, blank=True, help_text="public id of the appointment or check-in")
    channel = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=12, choices=MessageStatus.choices)
    error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The table the follow-up app created before messaging was an app of its own: the rows stay where they are.
        db_table = "followup_patientmessage"

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_status_display()})"
