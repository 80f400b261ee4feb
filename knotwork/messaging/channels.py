"""How a message reaches a patient: email, and text messages where the patient agreed to them.

`settings.PATIENT_MESSAGE_CHANNELS` names the channels; a message goes through every one that can reach the patient.
A channel is any class with a `name`, `can_reach(patient)` and `send(patient=, subject=, body=)`; the email
channel's `send` also takes `attachments=` (file name, content, MIME type).
"""

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from knotwork.messaging import sms
from knotwork.messaging.models import TextConsent


class Channel(Protocol):
    name: str

    def can_reach(self, patient) -> bool: ...

    def send(self, *, patient, subject: str, body: str) -> None: ...


class EmailChannel:
    """Django's email backend (console in development, SMTP or a provider in production)."""

    name = "email"

    def can_reach(self, patient) -> bool:
        return bool(patient.email)

    def send(
        self, *, patient, subject: str, body: str, attachments: list[tuple[str, bytes, str]] | None = None
    ) -> None:
        """Send the email; `attachments` are (file name, content, MIME type), such as the visit's calendar file."""
        EmailMessage(
            subject=subject, body=body, from_email=None, to=[patient.email], attachments=attachments or None
        ).send()


def configured_channels() -> list[Channel]:
    return [import_string(path)() for path in settings.PATIENT_MESSAGE_CHANNELS]


class TextChannel:
    """Text messages through the configured gateway, to patients who agreed to them (knotwork.messaging.sms)."""

    name = "sms"

    def can_reach(self, patient) -> bool:
        return bool(settings.SMS_PROVIDER) and open_text_consent(patient) is not None

    def send(self, *, patient, subject: str, body: str) -> None:
        consent = open_text_consent(patient)
        gateway = sms.provider()
        if consent is None or gateway is None:
            raise sms.GatewayError("no consent or no gateway")
        gateway.send(to=consent.phone, body=f"{subject}\n{body}" if subject else body)


def open_text_consent(patient) -> TextConsent | None:
    return TextConsent.objects.filter(patient_id=patient.pk, withdrawn_at__isnull=True).first()
