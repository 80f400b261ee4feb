import logging

from django.tasks import task
from django.template.loader import render_to_string

from knotwork.core import tokens
from knotwork.messaging.models import MessagePurpose
from knotwork.messaging.services import send_to_patient
from knotwork.portal.models import PatientLink, link_token, link_url

logger = logging.getLogger(__name__)


@task
def send_patient_link(*, link_id: int) -> None:
    """Send the patient their private link (queued after the link is committed, with its id only)."""
    link = PatientLink.objects.select_related("patient__clinic").filter(pk=link_id).first()
    if link is None or link.state != "open":
        return
    token = link_token(link)
    if not tokens.matches(token, link.token_hash):
        # SECRET_KEY changed since the link was made: this token would not open it. Staff can send a new link.
        logger.warning("Private link %s not sent: it was made under another SECRET_KEY", link.public_id)
        return
    url = link_url(token)
    send_to_patient(
        patient=link.patient,
        subject=f"[{link.patient.clinic.name}] Your {link.get_purpose_display().lower()}",
        body=render_to_string("portal/email/link.txt", {"link": link, "url": url}),
        purpose=MessagePurpose.LINK,
        reference=str(link.public_id),
    )
