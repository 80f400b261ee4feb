from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.accounts.models import ApiKey, CodeFailure, Invitation, User
from knotwork.core import tokens
from knotwork.core.models import clinic_id_of


def list_invitations(user) -> QuerySet[Invitation]:
    clinic_id = clinic_id_of(user)
    if clinic_id is None:
        return Invitation.objects.none()
    return Invitation.objects.filter(clinic_id=clinic_id, accepted_at=None, revoked_at=None)


def get_invitation(user, public_id) -> Invitation:
    return get_object_or_404(list_invitations(user), public_id=public_id)


def get_invitation_by_token(token: str) -> Invitation:
    """The invitation a link's token opens (looked up by the token's hash, the only thing stored), or 404."""
    if not tokens.is_presentable(token):
        raise Http404
    return get_object_or_404(Invitation.objects.select_related("clinic"), token_hash=tokens.hash_token(token))


def code_step_locked_for_account(*, user: User) -> bool:
    """Whether this account has had too many wrong codes, from all addresses together, within the cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = CodeFailure.objects.filter(user=user, at__gte=since).count()
    return recent >= settings.KNOTWORK_CODE_FAILURE_ACCOUNT_LIMIT


def list_api_keys(user) -> QuerySet[ApiKey]:
    """The clinic's API keys, newest first, revoked ones included (they stay named in the audit trail)."""
    clinic_id = clinic_id_of(user)
    if clinic_id is None:
        return ApiKey.objects.none()
    return ApiKey.objects.filter(clinic_id=clinic_id).select_related("user__membership", "created_by")


def get_api_key(user, public_id) -> ApiKey:
    return get_object_or_404(list_api_keys(user), public_id=public_id)
