"""The one way to send a patient a message: reminders, check-ins, links and booking messages all come through here.

`send_to_patient` sends through every configured channel that can reach the patient (email; a text where the
patient agreed to texts) and records each attempt as a `PatientMessage` (what it was for, which channel, the
outcome), never with the text itself. It is a step of the services that call it, which asked the policy already.
A text the gateway refuses is tried again with backoff by `send_due_texts` (the scheduled sweep).
"""

import datetime
import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff, staff_user
from knotwork.core.policy import Actor, PatientLinkActor, require
from knotwork.core.validators import without_control_characters
from knotwork.messaging import merge, sms
from knotwork.messaging.channels import EmailChannel, configured_channels, open_text_consent
from knotwork.messaging.models import (
    ConsentSource,
    MessageKind,
    MessagePurpose,
    MessageStatus,
    MessageTemplate,
    OutboundText,
    PatientMessage,
    TextConsent,
)

logger = logging.getLogger(__name__)
# After the first failure: try again 1 min, 5 min, 30 min, 2 h and 6 h later, then give up (and show it).
TEXT_BACKOFF = [datetime.timedelta(minutes=m) for m in (1, 5, 30, 120, 360)]


Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def reachable(patient) -> bool:
    """Whether any configured channel can reach the patient (an email address, or an agreement to texts)."""
    return any(channel.can_reach(patient) for channel in configured_channels())


def send_to_patient(
    *,
    patient,
    subject: str,
    body: str,
    purpose: str,
    reference: str = "",
    attachments: Sequence[Attachment] = (),
) -> PatientMessage:
    """Send one message through every channel that reaches the patient; return the attempt that went best.

    `attachments` (a calendar file) go with the email only; a text carries the words alone.
    """
    attempts = []
    for channel in configured_channels():
        if not channel.can_reach(patient):
            continue
        message = PatientMessage(
            clinic_id=patient.clinic_id, patient=patient, purpose=purpose, reference=reference, channel=channel.name
        )
        try:
            if attachments and isinstance(channel, EmailChannel):
                channel.send(patient=patient, subject=subject, body=body, attachments=list(attachments))
            else:
                channel.send(patient=patient, subject=subject, body=body)
        except Exception as error:  # a failed provider must not lose the record
            message.status = MessageStatus.FAILED
            message.error = type(error).__name__ if not isinstance(error, sms.GatewayError) else str(error)[:100]
        else:
            message.status = MessageStatus.SENT
        message.save()
        if channel.name == "sms" and message.status == MessageStatus.FAILED:
            _keep_for_retry(message, patient, f"{subject}\n{body}" if subject else body)
        attempts.append(message)
    if not attempts:
        message = PatientMessage(
            clinic_id=patient.clinic_id,
            patient=patient,
            purpose=purpose,
            reference=reference,
            status=MessageStatus.UNREACHABLE,
        )
        message.save()
        return message
    return next((m for m in attempts if m.status == MessageStatus.SENT), attempts[0])


def send_letter_email(
    *, patient, to: str, subject: str, body: str, attachment: tuple[str, bytes, str], reference: str = ""
) -> PatientMessage:
    """Email a letter about the patient to their referring clinician, with its PDF; record the attempt (no text).

    The same record as every other message about the patient, so a letter the mail server refused is listed on the
    Today page with the rest. A step of the letters service, which asked the policy already.
    """
    message = PatientMessage(
        clinic_id=patient.clinic_id,
        patient=patient,
        purpose=MessagePurpose.LETTER,
        reference=reference,
        channel="email",
    )
    email = EmailMessage(subject=subject, body=body, from_email=None, to=[to], attachments=[attachment])
    try:
        email.send()
    except Exception as error:  # a refused or unreachable mail server must not lose the record
        message.status, message.error = MessageStatus.FAILED, type(error).__name__
    else:
        message.status = MessageStatus.SENT
    message.save()
    return message


def _keep_for_retry(message: PatientMessage, patient, text: str) -> None:
    consent = open_text_consent(patient)
    if consent is None:
        return
    message.status = MessageStatus.RETRYING
    message.save(update_fields=["status", "updated_at"])
    OutboundText.objects.create(
        clinic_id=message.clinic_id,
        message=message,
        to=consent.phone,
        body_encrypted=sms.seal(text),
        attempts=1,
        next_attempt_at=timezone.now() + TEXT_BACKOFF[0],
        last_error=message.error,
    )


def send_due_texts(*, now: datetime.datetime, by: Actor) -> int:
    """Try again every text whose time has come; return how many the gateway took."""
    require(by, "send_due_texts")
    gateway = sms.provider()
    sent = 0
    due = OutboundText.objects.filter(next_attempt_at__lte=now).select_related("message").order_by("next_attempt_at")
    for outbound in due[:500]:
        with transaction.atomic():
            outbound = OutboundText.objects.select_for_update().select_related("message").get(pk=outbound.pk)
            if outbound.next_attempt_at is None or outbound.next_attempt_at > now:
                continue  # another sweep took it
            message = outbound.message
            text = sms.unseal(outbound.body_encrypted)
            error = ""
            if text is None or gateway is None:
                error = "text unreadable" if text is None else "texts are switched off"
            elif TextConsent.objects.filter(patient_id=message.patient_id, withdrawn_at__isnull=True).exists():
                try:
                    gateway.send(to=outbound.to, body=text)
                except sms.GatewayError as failure:
                    error = str(failure)[:100]
            else:
                error = "the patient stopped texts"
            if not error:
                message.status, message.error = MessageStatus.SENT, ""
                outbound.next_attempt_at, outbound.body_encrypted = None, b""
                sent += 1
            elif outbound.attempts >= len(TEXT_BACKOFF) or not error.startswith("gateway"):
                # Out of attempts, or a reason waiting will not mend (no consent, texts off, SECRET_KEY rotated).
                message.status, message.error = MessageStatus.FAILED, error
                outbound.next_attempt_at, outbound.body_encrypted = None, b""
            else:
                outbound.next_attempt_at = now + TEXT_BACKOFF[min(outbound.attempts, len(TEXT_BACKOFF) - 1)]
                message.error = error
            outbound.attempts += 1
            outbound.last_error = error
            outbound.save()
            message.save(update_fields=["status", "error", "updated_at"])
    return sent


@transaction.atomic
def record_text_consent(*, patient, phone: str, by: Actor) -> TextConsent:
    """The patient agrees to texts on `phone` (E.164); an open agreement on another number is replaced."""
    require(by, "record_text_consent", patient)
    if not phone:
        raise ValueError("A text consent needs the patient's mobile number.")
    now = timezone.now()
    source = ConsentSource.PATIENT if isinstance(by, PatientLinkActor) else ConsentSource.FRONT_DESK
    TextConsent.objects.filter(patient_id=patient.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_via="replaced"
    )
    return TextConsent.objects.create(
        clinic_id=patient.clinic_id, patient=patient, phone=phone, source=source, recorded_by=acting_staff(by)
    )


@transaction.atomic
def withdraw_text_consent(*, patient, by: Actor, via: str = "staff") -> int:
    """No more texts to this patient; return how many agreements were closed (0 when there was none)."""
    require(by, "withdraw_text_consent", patient)
    return TextConsent.objects.filter(patient_id=patient.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_via=via[:10]
    )


def stop_texts_to_number(*, phone: str, by: Actor) -> int:
    """A STOP reply from `phone`: withdraw every open agreement on that number, each through the policy."""
    require(by, "apply_stop_reply")
    closed = 0
    for consent in TextConsent.objects.filter(phone=phone, withdrawn_at__isnull=True).select_related("patient"):
        closed += withdraw_text_consent(patient=consent.patient, by=by, via="stop")
    if closed:
        logger.info("Texts stopped by a STOP reply from %s (%d agreements)", sms.masked(phone), closed)
    return closed


# --- the clinic's words for the messages about a visit ----------------------------------------------------------


def _kind(kind: str) -> MessageKind:
    if kind not in MessageKind.values:
        raise ValidationError({"kind": f"There is no kind of message called {kind!r}."})
    return MessageKind(kind)


@transaction.atomic
def save_message_template(*, clinic, kind: str, subject: str, body: str, by: Actor) -> MessageTemplate:
    """Save the clinic's words for one kind of message; merge fields are checked against the kind's fields."""
    require(by, "change_message_templates", clinic)
    kind = _kind(kind)
    subject = " ".join(without_control_characters(str(subject)).split())
    body = without_control_characters(str(body)).replace("\r\n", "\n").strip()
    allowed = merge.KIND_FIELDS[kind]
    errors: dict[str, list[str]] = {}
    for part, value in (("subject", subject), ("body", body)):
        if not value:
            errors[part] = ["This part of the message cannot be empty."]
        elif found := merge.problems(value, allowed):
            errors[part] = found
    if errors:
        raise ValidationError(errors)
    template = MessageTemplate.objects.select_for_update().filter(clinic=clinic, kind=kind).first()
    if template is None:
        template = MessageTemplate(clinic=clinic, kind=kind)
    template.subject, template.body = subject, body
    template.updated_by = staff_user(by)
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def reset_message_template(*, clinic, kind: str, by: Actor) -> bool:
    """Go back to Knotwork's default words for one kind of message; False when the clinic had not changed them."""
    require(by, "change_message_templates", clinic)
    deleted, _ = MessageTemplate.objects.filter(clinic=clinic, kind=_kind(kind)).delete()
    return bool(deleted)
