"""Invite staff, accept invitations."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knotwork.accounts.models import Invitation, User
from knotwork.accounts.tasks import send_invitation_email
from knotwork.clinics.models import Clinic
from knotwork.clinics.services import ClinicRuleError, add_member


def invitation_url(invitation: Invitation) -> str:
    return settings.KNOTWORK_BASE_URL + reverse("accounts:accept_invitation", args=[invitation.token])


@transaction.atomic
def invite_staff(*, clinic: Clinic, email: str, role: str, first_name: str = "", last_name: str = "", by) -> Invitation:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ClinicRuleError("Someone with this email address already has a Knotwork account.")
    Invitation.objects.filter(clinic=clinic, email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation(
        clinic=clinic, email=email, role=role, first_name=first_name, last_name=last_name, invited_by=by
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id=invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, first_name: str, last_name: str, password: str) -> User:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ClinicRuleError("This invitation is no longer valid. Ask the clinic owner for a new one.")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ClinicRuleError("An account with this email address already exists.")
    user = User(email=invitation.email, first_name=first_name, last_name=last_name)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    add_member(clinic=invitation.clinic, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
