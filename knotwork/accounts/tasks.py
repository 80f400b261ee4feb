import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from knotwork.accounts import services
from knotwork.accounts.models import Invitation, User, invitation_token
from knotwork.core import tokens

logger = logging.getLogger(__name__)


@task
def send_invitation_email(*, invitation_id: int) -> None:
    """Email the invitation link (queued after the invitation is committed)."""
    invitation = Invitation.objects.select_related("clinic").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return
    if not tokens.matches(invitation_token(invitation), invitation.token_hash):
        # Made under another SECRET_KEY (or before tokens were derived): this link would not open it. The owner
        # can invite again.
        logger.warning("Invitation %s not sent: its token cannot be made again", invitation.public_id)
        return
    context = {"invitation": invitation, "url": services.invitation_url(invitation)}
    send_mail(
        subject=f"[Knotwork] You are invited to {invitation.clinic.name}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@task
def send_lockout_notice(*, user_id: int) -> None:
    """Tell a user that sign-in to their account was locked after repeated failures (it may not have been them)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {
        "user": user,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "reset_url": settings.KNOTWORK_BASE_URL + reverse("account_reset_password"),
    }
    send_mail(
        subject="[Knotwork] Sign-in to your account was locked",
        message=render_to_string("accounts/email/locked_out.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
