"""Messages to patients through a channel: email today, SMS later, without touching the callers.

Callers (reminder and check-in tasks, private-link emails) call `send_to_patient`; it tries the channels named in
`settings.PATIENT_MESSAGE_CHANNELS` in order and uses the first that can reach the patient. A channel is any class
with a `name`, `can_reach(patient)` and `send(patient=, subject=, body=)`. Each attempt is recorded as a
`PatientMessage` (what it was for, which channel, the outcome), never with the text itself.
"""

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class Channel(Protocol):
    name: str

    def can_reach(self, patient) -> bool: ...

    def send(self, *, patient, subject: str, body: str) -> None: ...


class EmailChannel:
    """Django's email backend (console in development, SMTP or a provider in production)."""

    name = "email"

    def can_reach(self, patient) -> bool:
        return bool(patient.email)

    def send(self, *, patient, subject: str, body: str) -> None:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[patient.email])


def configured_channels() -> list[Channel]:
    return [import_string(path)() for path in settings.PATIENT_MESSAGE_CHANNELS]


def send_to_patient(*, patient, subject: str, body: str, purpose: str, reference: str = ""):
    """Send one message through the first channel that reaches the patient; return the recorded attempt."""
    from knotwork.followup.models import MessageStatus, PatientMessage

    message = PatientMessage(clinic_id=patient.clinic_id, patient=patient, purpose=purpose, reference=reference)
    channel = next((c for c in configured_channels() if c.can_reach(patient)), None)
    if channel is None:
        message.status = MessageStatus.UNREACHABLE
    else:
        message.channel = channel.name
        try:
            channel.send(patient=patient, subject=subject, body=body)
        except Exception as error:  # a failed provider must not lose the record
            message.status = MessageStatus.FAILED
            message.error = type(error).__name__
        else:
            message.status = MessageStatus.SENT
    message.save()
    return message
