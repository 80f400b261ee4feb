"""How a message reaches a patient: email today, SMS later, without touching the callers.

`settings.PATIENT_MESSAGE_CHANNELS` names the channels, tried in order. A channel is any class with a `name`,
`can_reach(patient)` and `send(patient=, subject=, body=)`; add one (a text-message provider) and list it there.
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
