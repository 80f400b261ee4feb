from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string


@task
def send_patient_link(*, link_id: int, url: str) -> None:
    """Email the patient their private form link (queued after the link is committed)."""
    from knotwork.portal.models import PatientLink

    link = PatientLink.objects.select_related("patient__clinic").filter(pk=link_id).first()
    if link is None or link.state != "open" or not link.patient.email:
        return
    send_mail(
        subject=f"[{link.patient.clinic.name}] Your {link.get_purpose_display().lower()}",
        message=render_to_string("portal/email/link.txt", {"link": link, "url": url}),
        from_email=None,
        recipient_list=[link.patient.email],
    )
