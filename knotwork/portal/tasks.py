from django.tasks import task
from django.template.loader import render_to_string


@task
def send_patient_link(*, link_id: int, url: str) -> None:
    """Send the patient their private link (queued after the link is committed)."""
    from knotwork.followup.messaging import send_to_patient
    from knotwork.followup.models import MessagePurpose
    from knotwork.portal.models import PatientLink

    link = PatientLink.objects.select_related("patient__clinic").filter(pk=link_id).first()
    if link is None or link.state != "open":
        return
    send_to_patient(
        patient=link.patient,
        subject=f"[{link.patient.clinic.name}] Your {link.get_purpose_display().lower()}",
        body=render_to_string("portal/email/link.txt", {"link": link, "url": url}),
        purpose=MessagePurpose.LINK,
        reference=str(link.public_id),
    )
