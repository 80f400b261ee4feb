"""The one way to send a patient a message: reminders, check-ins and private-link emails all come through here.

`send_to_patient` tries the configured channels (knotwork.messaging.channels) in order and uses the first that
can reach the patient. Each attempt is recorded as a `PatientMessage` (what it was for, which channel, the
outcome), never with the text itself. It is a step of the services that call it, which asked the policy already.
"""

from knotwork.messaging.channels import configured_channels
from knotwork.messaging.models import MessageStatus, PatientMessage


def send_to_patient(*, patient, subject: str, body: str, purpose: str, reference: str = "") -> PatientMessage:
    """Send one message through the first channel that reaches the patient; return the recorded attempt."""
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
