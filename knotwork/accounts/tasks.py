from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string


@task
def send_invitation_email(*, invitation_id: int) -> None:
    """Email the invitation link (queued after the invitation is committed)."""
    from knotwork.accounts.models import Invitation
    from knotwork.accounts.services import invitation_url

    invitation = Invitation.objects.select_related("clinic").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    send_mail(
        subject=f"[Knotwork] You are invited to {invitation.clinic.name}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
