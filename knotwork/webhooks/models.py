"""A clinic's webhook endpoints and the deliveries made to them (the delivery log).

An endpoint is a URL the clinic registered with the events it wants. Each event that happens in the clinic and
that an active endpoint asked for becomes one `Delivery` row, written in the same transaction as the change (so a
change rolled back sends nothing) and sent by the task worker after the commit. A delivery keeps what was sent
(ids, never free text, `events.py`) and how each attempt went, never the receiver's answer beyond a short excerpt.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse

from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import validate_line


class Event(models.TextChoices):
    """What an endpoint can subscribe to; each is derived from the audit trail's change feed (`events.py`)."""

    PATIENT_CREATED = "patient.created", "A patient is registered"
    PATIENT_CHANGED = "patient.changed", "A patient's details change"
    APPOINTMENT_BOOKED = "appointment.booked", "An appointment is booked"
    APPOINTMENT_MOVED = "appointment.moved", "An appointment is moved to another time or practitioner"
    APPOINTMENT_CANCELLED = "appointment.cancelled", "An appointment is cancelled"
    INTAKE_SUBMITTED = "intake.submitted", "An intake form is submitted"
    NOTE_SIGNED = "note.signed", "A session note is signed"
    NOTE_AMENDED = "note.amended", "A signed note is amended"
    CHECKIN_FLAGGED = "checkin.flagged", "A flag is raised for a clinician (check-in or course review)"
    QUESTIONNAIRE_COMPLETED = "questionnaire.completed", "A questionnaire is completed"
    INVOICE_ISSUED = "invoice.issued", "An invoice is issued"
    INVOICE_PAID = "invoice.paid", "An invoice is paid in full"


# Sent only by "Send a test event": never derived from a change, never chosen in the list of events.
TEST_EVENT = "webhook.test"


class Endpoint(ClinicScoped):
    """A URL of another system that receives the clinic's chosen events, signed with the endpoint's secret."""

    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True, validators=[validate_line])
    events = models.JSONField(default=list, help_text="the event names (Event) this endpoint receives")
    # The signing secret ("whsec_…"), encrypted with a key derived from SECRET_KEY (signing.seal): the receiver
    # needs the same secret to check the signature, so it cannot be hashed like an API key.
    secret_sealed = models.BinaryField(editable=False)
    # After "Rotate the secret", the old secret also signs for a day, so the receiver can switch without a gap.
    previous_secret_sealed = models.BinaryField(default=b"", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField("active", default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "url", name="webhook_endpoint_url_once_per_clinic"),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:endpoint", args=[self.public_id])

    def wants(self, event: str) -> bool:
        return event in self.events

    @property
    def event_labels(self) -> list[str]:
        return [Event(name).label if name in Event.values else name for name in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"  # waiting for its first attempt or the next retry (next_attempt_at)
    SENDING = "sending", "Sending"  # an attempt is under way
    DELIVERED = "delivered", "Delivered"  # the endpoint answered 2xx
    FAILED = "failed", "Failed"  # every retry failed; it can be sent again by hand (Replay)


class Delivery(ClinicScoped):
    """One event sent (or to be sent) to one endpoint, with its attempts so far."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries", db_constraint=False)
    event = models.CharField(max_length=40)
    # The Standard Webhooks message id ("webhook-id"): the same on every retry and replay, so a receiver that has
    # already handled it can ignore it.
    event_id = models.UUIDField(db_index=True)
    # The patient the event concerns, for the audit trail when someone opens the delivery (the payload names them).
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    payload = models.JSONField(help_text="the body sent: ids, codes and times, never free text")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField("response time (ms)", null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays", db_constraint=False
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="webhook_delivery_due_idx",
            ),
        ]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="endpoint", name="webhooks_delivery_endpoint_clinic_fk"),
            ClinicForeignKey(field="patient", name="webhooks_delivery_patient_clinic_fk"),
            ClinicForeignKey(field="replay_of", name="webhooks_delivery_replay_of_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:delivery", args=[self.public_id])

    @property
    def response_time(self) -> datetime.timedelta | None:
        return None if self.response_ms is None else datetime.timedelta(milliseconds=self.response_ms)
