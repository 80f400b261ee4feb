"""One row of every clinic-scoped model of the messaging app, for the clinic-isolation URL walk."""

from django.utils import timezone

from knotwork.messaging import sms
from knotwork.messaging.models import OutboundText
from knotwork.messaging.services import record_text_consent, save_message_template, send_to_patient


def records(patient, owner, marker) -> list:
    message = send_to_patient(patient=patient, subject=marker, body=marker, purpose="link")
    consent = record_text_consent(patient=patient, phone="+13035550177", by=owner)
    waiting = OutboundText.objects.create(
        clinic_id=patient.clinic_id,
        message=message,
        to=consent.phone,
        body_encrypted=sms.seal(marker),
        next_attempt_at=timezone.now(),
    )
    template = save_message_template(
        clinic=patient.clinic, kind="cancellation", subject=marker, body=f"{marker} {{{{when}}}}", by=owner
    )
    return [message, consent, waiting, template]
