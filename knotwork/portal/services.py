"""Private links that let a patient fill a form without an account."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.assessment.models import IntakeStatus, Technique
from knotwork.assessment.services import CONSENT_SET_UP, ensure_consent_forms, sign_consent, start_intake
from knotwork.core import tokens
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, NotAllowed, require
from knotwork.messaging.models import MessageKind, MessagePurpose, PatientMessage
from knotwork.messaging.selectors import render_message
from knotwork.messaging.services import Attachment, reachable, send_to_patient
from knotwork.patients.models import Patient
from knotwork.portal import selectors
from knotwork.portal.models import (
    LINK_GUESS_WINDOW,
    LinkLookupFailure,
    LinkPurpose,
    PatientLink,
    hash_client_address,
    link_token,
    link_url,
)
from knotwork.portal.tasks import send_patient_link
from knotwork.scheduling.ics import appointment_ics
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.scheduling.services.reminders import message_values

logger = logging.getLogger(__name__)

LINK_VALID_FOR = timedelta(days=7)
CARE_LINK_VALID_FOR = timedelta(days=60)


def _new_link(
    *, patient: Patient, purpose: LinkPurpose, by: Actor, technique: str = "", techniques=(), intake=None
) -> tuple[PatientLink, str]:
    """Make a link (the caller asked the policy): a new link replaces any open link for the same form."""
    PatientLink.objects.filter(
        patient=patient, purpose=purpose, technique=technique, used_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    link = PatientLink(
        clinic_id=patient.clinic_id,
        patient=patient,
        purpose=purpose,
        technique=technique if purpose == LinkPurpose.CONSENT else "",
        techniques=list(techniques) if purpose == LinkPurpose.CONSENTS else [],
        intake=intake,
        expires_at=timezone.now() + (CARE_LINK_VALID_FOR if purpose == LinkPurpose.CARE else LINK_VALID_FOR),
        created_by=acting_staff(by),
    )
    token = link_token(link)
    link.token_hash = tokens.hash_token(token)
    link.save()
    return link, token


def _consents_to_ask(patient: Patient) -> list[str]:
    ensure_consent_forms(clinic=patient.clinic, by=CONSENT_SET_UP)
    return selectors.needed_consents(patient)


@transaction.atomic
def create_patient_link(
    *, patient: Patient, purpose: str, technique: str = "", by: Actor, send_email: bool = True
) -> tuple[PatientLink, str]:
    """Create a link for one form of one patient; return it with the token (shown once, never stored).

    A consent-forms link asks, on one page, for every consent the patient still needs (`selectors.needed_consents`).
    """
    require(by, "create_patient_link", patient)
    purpose = LinkPurpose(purpose)
    if purpose == LinkPurpose.CHECK_IN:
        raise ClinicRuleError("Check-in links are made for a check-in (see the patient's follow-up).")
    if purpose == LinkPurpose.CONSENT and technique not in Technique.values:
        raise ClinicRuleError("Choose the technique the patient is asked to consent to.")
    techniques: list[str] = []
    if purpose == LinkPurpose.CONSENTS:
        techniques = _consents_to_ask(patient)
        if not techniques:
            raise ClinicRuleError(
                "The patient has signed every consent their planned treatment needs: there is nothing to send."
            )
    intake = start_intake(patient=patient, by=by, filled_by_patient=True) if purpose == LinkPurpose.INTAKE else None
    link, token = _new_link(
        patient=patient, purpose=purpose, by=by, technique=technique, techniques=techniques, intake=intake
    )
    if send_email and patient.email:
        # The task gets the link's id only: its arguments are stored, and the token must not be.
        transaction.on_commit(lambda: send_patient_link.enqueue(link_id=link.pk))
    return link, token


@transaction.atomic
def create_check_in_link(*, check_in, expires_at, by: Actor, now=None) -> tuple[PatientLink, str]:
    """A one-use link to one check-in (open at least an hour); a newer link for the same check-in replaces it."""
    require(by, "create_check_in_link", check_in)
    now = now or timezone.now()
    PatientLink.objects.filter(check_in=check_in, used_at=None, revoked_at=None).update(revoked_at=now)
    link = PatientLink(
        clinic_id=check_in.clinic_id,
        patient_id=check_in.patient_id,
        purpose=LinkPurpose.CHECK_IN,
        check_in=check_in,
        expires_at=max(expires_at, now + timedelta(hours=1)),
        created_by=acting_staff(by),
    )
    token = link_token(link)
    link.token_hash = tokens.hash_token(token)
    link.save()
    return link, token


@transaction.atomic
def note_visit(*, link: PatientLink) -> None:
    PatientLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


def find_link(token: str, *, lock: bool = False) -> PatientLink | None:
    """The link behind a token (locked for the rest of the transaction when `lock`)."""
    if not tokens.is_presentable(token):
        return None
    links = PatientLink.objects.select_related("patient__clinic", "intake", "check_in__session").filter(
        token_hash=tokens.hash_token(token)
    )
    if lock:
        links = links.select_for_update(of=("self",))
    return links.first()


@transaction.atomic
def mark_link_used(*, link: PatientLink) -> None:
    link = PatientLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ClinicRuleError("This link has already been used.")
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])


@transaction.atomic
def revoke_link(*, link: PatientLink, by: Actor) -> None:
    require(by, "revoke_link", link)
    if link.used_at is None and link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def record_failed_lookup(*, client_address: str, now=None) -> None:
    """Count one opened link that matched nothing, for the guessing limit; forget counts older than its window."""
    now = now or timezone.now()
    LinkLookupFailure.objects.filter(failed_at__lte=now - LINK_GUESS_WINDOW).delete()
    LinkLookupFailure.objects.create(client=hash_client_address(client_address), failed_at=now)


# --- the messages about a visit: booked, moved, cancelled ------------------------------------------------------

VISIT_MESSAGES = {
    "booked": MessageKind.CONFIRMATION,
    "moved": MessageKind.CHANGE,
    "cancelled": MessageKind.CANCELLATION,
}


def _open_link(patient: Patient, purpose: LinkPurpose, *, open_until=None) -> tuple[PatientLink, str] | None:
    """The patient's open link of `purpose` (still open at `open_until`) with its token, made again from its id."""
    for link in PatientLink.objects.filter(patient=patient, purpose=purpose, used_at=None, revoked_at=None).order_by(
        "-created_at"
    ):
        if link.state != "open" or (open_until is not None and link.expires_at <= open_until):
            continue
        token = link_token(link)
        if tokens.matches(token, link.token_hash):  # made under this SECRET_KEY
            return link, token
    return None


def _visit_links(patient: Patient, appointment: Appointment, by: Actor) -> dict[str, str]:
    """The care page, and the intake and consent forms still to fill, as links for the message (made if needed)."""
    care = _open_link(patient, LinkPurpose.CARE, open_until=appointment.starts_at) or _new_link(
        patient=patient, purpose=LinkPurpose.CARE, by=by
    )
    found = {"care_link": link_url(care[1])}
    if not patient.intakes.filter(status=IntakeStatus.SUBMITTED).exists():
        intake = _open_link(patient, LinkPurpose.INTAKE)
        if intake is None or intake[0].intake is None or intake[0].intake.status != IntakeStatus.DRAFT:
            try:
                draft = start_intake(patient=patient, by=by, filled_by_patient=True)
            except NotAllowed:
                draft = None  # only staff open an intake: the clinic sends the intake link itself
            intake = _new_link(patient=patient, purpose=LinkPurpose.INTAKE, by=by, intake=draft) if draft else None
        if intake is not None:
            found["intake_link"] = link_url(intake[1])
    needed = _consents_to_ask(patient)
    if needed:
        packet = _open_link(patient, LinkPurpose.CONSENTS)
        if packet is None or not set(needed) <= set(packet[0].techniques):
            packet = _new_link(patient=patient, purpose=LinkPurpose.CONSENTS, by=by, techniques=needed)
        found["consent_link"] = link_url(packet[1])
    return found


@transaction.atomic
def send_visit_message(
    *, appointment: Appointment, change: str, by: Actor, previous_starts_at=None
) -> PatientMessage | None:
    """Tell the patient their visit was booked, moved or cancelled, in the clinic's words (email, and text where
    they agreed), with the visit's calendar file and the links to their care page and the forms still to fill.

    Registered on `scheduling.hooks.appointment_changed`. Nothing is sent for a visit changed again since (its own
    message follows); a patient no channel reaches gets no links made, and the attempt is recorded as unreachable.
    """
    require(by, "send_visit_message", appointment)
    kind = VISIT_MESSAGES.get(change)
    if kind is None:
        raise ClinicRuleError(f"There is no message for a visit that was {change!r}.")
    appointment = Appointment.objects.select_related(
        "clinic__settings", "patient__clinic", "practitioner", "appointment_type"
    ).get(pk=appointment.pk)
    if kind != MessageKind.CANCELLATION and appointment.status != AppointmentStatus.BOOKED:
        return None
    patient = appointment.patient
    values = message_values(appointment, previous_starts_at=previous_starts_at)
    attachments: list[Attachment] = []
    if reachable(patient):
        if kind == MessageKind.CANCELLATION:
            care = _open_link(patient, LinkPurpose.CARE)
            values["care_link"] = link_url(care[1]) if care else ""
        else:
            values |= _visit_links(patient, appointment, by)
            name = f"appointment-{appointment.starts_at.astimezone(appointment.clinic.tzinfo):%Y%m%d-%H%M}.ics"
            attachments.append((name, appointment_ics(appointment), "text/calendar"))
    subject, body = render_message(clinic=appointment.clinic, kind=kind, values=values)
    message = send_to_patient(
        patient=patient,
        subject=subject,
        body=body,
        purpose=MessagePurpose.BOOKING,
        reference=str(appointment.public_id),
        attachments=attachments,
    )
    logger.info("Visit message (%s) for appointment %s: %s", change, appointment.public_id, message.status)
    return message


# --- the consent forms link: every consent still needed, signed on one page -----------------------------------


@transaction.atomic
def sign_consent_packet(
    *, link: PatientLink, signed_name: str, signature: str, shown: dict[str, str], by: Actor
) -> list:
    """Sign every consent a consent-forms link asks for at once, each on the exact text shown: all or none.

    `shown` maps each technique the patient agreed to onto the fingerprint of the text they read.
    """
    require(by, "sign_consent_packet", link)
    link = PatientLink.objects.select_for_update().select_related("patient__clinic").get(pk=link.pk)
    if link.purpose != LinkPurpose.CONSENTS:
        raise ClinicRuleError("This link is not for consent forms.")
    if link.state != "open":
        raise ClinicRuleError("This link has already been used.")
    forms = selectors.consent_packet_forms(link.patient, link.techniques)
    unticked = [item["form"].title for item in forms if item["technique"] not in shown]
    if unticked:
        raise ClinicRuleError(f"Tick “I agree” for each form to sign them: {', '.join(unticked)}.")
    consents = [
        sign_consent(
            patient=link.patient,
            version=item["version"],
            signed_name=signed_name,
            signature=signature,
            shown_hash=shown[item["technique"]],
            via_link=True,
            by=by,
        )
        for item in forms
    ]
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    return consents
