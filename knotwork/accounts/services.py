"""Invite staff, accept invitations; end sign-in sessions and tell a user when their sign-in was locked."""

import secrets
from typing import TypedDict, Unpack

from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from auditlog import get_logentry_model
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from knotwork.accounts.models import (
    API_KEY_ROLES,
    API_RESOURCES,
    ApiKey,
    ApiScope,
    CodeFailure,
    Invitation,
    User,
    invitation_token,
)
from knotwork.accounts.policy import acting_staff, staff_user
from knotwork.accounts.tasks import send_invitation_email, send_lockout_notice
from knotwork.clinics.models import Clinic
from knotwork.clinics.services import add_member
from knotwork.core import tokens
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, NotAllowed, SystemActor, require

# Accepting an open invitation adds the membership the owner (or `manage.py create_clinic`) asked for.
INVITATION = SystemActor("staff invitation")


def invitation_url(invitation: Invitation) -> str:
    """The address the invited person is sent (made again from the invitation's id; never stored)."""
    return settings.KNOTWORK_BASE_URL + reverse("accounts:accept_invitation", args=[invitation_token(invitation)])


@transaction.atomic
def invite_staff(
    *, clinic: Clinic, email: str, role: str, first_name: str = "", last_name: str = "", by: Actor
) -> Invitation:
    require(by, "invite_staff", clinic)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ClinicRuleError("Someone with this email address already has a Knotwork account.")
    Invitation.objects.filter(clinic=clinic, email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation(
        clinic=clinic, email=email, role=role, first_name=first_name, last_name=last_name, invited_by=acting_staff(by)
    )
    invitation.token_hash = tokens.hash_token(invitation_token(invitation))
    invitation.full_clean()
    invitation.save()
    # The task gets the invitation's id only: its arguments are stored, and the token must not be.
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id=invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: Actor) -> Invitation:
    require(by, "revoke_invitation", invitation)
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
    add_member(clinic=invitation.clinic, user=user, role=invitation.role, by=INVITATION)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def end_sessions(*, user: User, by: Actor, keep_session_key: str | None = None) -> int:
    """Sign `user` out of every browser (but the one whose session is kept); return how many sessions ended.

    A user ends their own; a clinic owner ends a staff member's (a lost laptop, someone leaving), which the
    audit trail records.
    """
    if not (isinstance(by, AbstractBaseUser) and by.pk == user.pk):
        membership = getattr(user, "membership", None)
        if membership is None:
            raise NotAllowed("Only the account's own user can sign it out everywhere.")
        require(by, "end_staff_sessions", membership)
        owner = staff_user(by)
        get_logentry_model().objects.log_create(
            membership,
            action=get_logentry_model().Action.UPDATE,
            changes={"sessions": ["signed in", "all ended by the owner"]},
            actor=owner,
            actor_email=owner.email,
        )
    sessions = list(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""))
    get_usersessions_adapter().end_sessions(sessions)
    return len(sessions)


def notify_sign_in_locked(*, email: str) -> None:
    """Email the user whose sign-in was just locked (wrong passwords or codes): it may have been someone else."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return  # no such account: nobody to tell
    now = timezone.now()
    # One notice per cool-off: locking from many addresses must not flood the inbox (the update is the guard, so
    # two workers locking at the same moment still send one).
    told = User.objects.filter(pk=user.pk).filter(
        Q(lockout_notice_sent_at__isnull=True) | Q(lockout_notice_sent_at__lt=now - settings.AXES_COOLOFF_TIME)
    )
    if told.update(lockout_notice_sent_at=now) == 0:
        return
    transaction.on_commit(lambda: send_lockout_notice.enqueue(user_id=user.pk))


def record_code_failure(*, user: User) -> None:
    """Count a wrong code for the account; email the user once, when the account-wide limit is reached."""
    now = timezone.now()
    CodeFailure.objects.create(user=user, at=now)
    CodeFailure.objects.filter(user=user, at__lt=now - settings.AXES_COOLOFF_TIME).delete()
    if CodeFailure.objects.filter(user=user).count() == settings.KNOTWORK_CODE_FAILURE_ACCOUNT_LIMIT:
        notify_sign_in_locked(email=user.email)


def clear_code_failures(*, user: User) -> None:
    """The right code was given: earlier wrong ones no longer count."""
    CodeFailure.objects.filter(user=user).delete()


# --- API keys -------------------------------------------------------------------------------

API_KEY_PREFIX = "kw_"


class NewApiKey(TypedDict, total=False):
    """What an owner chooses for a new key: its name, scope, role and (optionally) the parts of the API it may use."""

    name: str
    scope: str
    role: str
    resources: list[str]


@transaction.atomic
def create_api_key(*, clinic: Clinic, by: Actor, **choices: Unpack[NewApiKey]) -> tuple[ApiKey, str]:
    """Make a key and its own user with one role in the clinic; return the key and its secret (shown once)."""
    require(by, "manage_api_keys", clinic)
    refuse_unknown("create_api_key", choices, NewApiKey)
    name = (choices.get("name") or "").strip()
    scope = choices.get("scope", ApiScope.READ)
    role = choices.get("role", "practitioner")
    resources = sorted(set(choices.get("resources") or []))
    if not name:
        raise ValidationError({"name": "Give the key a name that says which program uses it."})
    if scope not in ApiScope.values:
        raise ValidationError({"scope": f"The scope is one of: {', '.join(ApiScope.values)}."})
    if role not in API_KEY_ROLES:
        raise ValidationError({"role": "A key acts as a practitioner or as the front desk (never as an owner)."})
    unknown = [r for r in resources if r not in API_RESOURCES]
    if unknown:
        raise ValidationError({"resources": f"Unknown parts of the API: {', '.join(unknown)}."})
    if ApiKey.objects.filter(clinic=clinic, name__iexact=name).exists():
        raise ValidationError({"name": "This clinic already has a key with this name."})
    secret = tokens.new_token()
    prefix = secrets.token_hex(4)
    token = f"{API_KEY_PREFIX}{prefix}_{secret}"
    user = User.objects.create_user(
        f"api-key-{prefix}@keys.knotwork.invalid", None, first_name="API key", last_name=name[:150]
    )
    add_member(clinic=clinic, user=user, role=role, by=by)
    key = ApiKey(
        clinic=clinic,
        user=user,
        name=name,
        scope=scope,
        resources=resources,
        prefix=prefix,
        key_hash=tokens.hash_token(token),
        created_by=acting_staff(by),
    )
    key.full_clean()
    key.save()
    return key, token


@transaction.atomic
def revoke_api_key(*, key: ApiKey, by: Actor) -> ApiKey:
    """Switch a key off for good: its next call is refused; what it did stays in the record under its name."""
    require(by, "manage_api_keys", key.clinic)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        User.objects.filter(pk=key.user_id).update(is_active=False)
    return key
