"""Private links that let a patient fill a form without an account."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.assessment.models import Technique
from knotwork.assessment.services import start_intake
from knotwork.core import tokens
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.patients.models import Patient
from knotwork.portal.models import (
    LINK_GUESS_WINDOW,
    LinkLookupFailure,
    LinkPurpose,
    PatientLink,
    hash_client_address,
    link_token,
    link_url,  # noqa: F401 (callers that show staff the link import it from here)
)
from knotwork.portal.tasks import send_patient_link

LINK_VALID_FOR = timedelta(days=7)
CARE_LINK_VALID_FOR = timedelta(days=60)


@transaction.atomic
def create_patient_link(
    *, patient: Patient, purpose: str, technique: str = "", by: Actor, send_email: bool = True
) -> tuple[PatientLink, str]:
    """Create a link for one form of one patient; return it with the token (shown once, never stored)."""
    require(by, "create_patient_link", patient)
    purpose = LinkPurpose(purpose)
    if purpose == LinkPurpose.CHECK_IN:
        raise ClinicRuleError("Check-in links are made for a check-in (see the patient's follow-up).")
    if purpose == LinkPurpose.CONSENT and technique not in Technique.values:
        raise ClinicRuleError("Choose the technique the patient is asked to consent to.")
    intake = start_intake(patient=patient, by=by, filled_by_patient=True) if purpose == LinkPurpose.INTAKE else None
    # A new link replaces any open link for the same form.
    PatientLink.objects.filter(
        patient=patient, purpose=purpose, technique=technique, used_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    link = PatientLink(
        clinic_id=patient.clinic_id,
        patient=patient,
        purpose=purpose,
        technique=technique if purpose == LinkPurpose.CONSENT else "",
        intake=intake,
        expires_at=timezone.now() + (CARE_LINK_VALID_FOR if purpose == LinkPurpose.CARE else LINK_VALID_FOR),
        created_by=acting_staff(by),
    )
    token = link_token(link)
    link.token_hash = tokens.hash_token(token)
    link.save()
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
