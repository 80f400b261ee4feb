import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from knotwork.clinics.models import Membership, Role
from knotwork.core.policy import SystemActor
from knotwork.webhooks import services
from knotwork.webhooks.models import Endpoint

logger = logging.getLogger(__name__)

WORKER = SystemActor("task worker")


@task
def deliver_webhook(*, delivery_id: int) -> None:
    """Make one attempt of a delivery (queued after the change commits, and again for each retry)."""
    services.deliver(delivery_id=delivery_id, by=WORKER)


@task
def send_endpoint_disabled_email(*, endpoint_id: int) -> None:
    """Tell the clinic's owners that Knotwork switched an endpoint off after repeated failures."""
    endpoint = Endpoint.objects.select_related("clinic").filter(pk=endpoint_id, is_active=False).first()
    if endpoint is None:
        return  # switched on again (or deleted) before the email went
    owners = list(
        Membership.objects.filter(
            clinic_id=endpoint.clinic_id, role=Role.OWNER, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not owners:
        logger.warning("Webhook endpoint %s switched off; the clinic has no active owner to tell", endpoint.public_id)
        return
    context = {
        "endpoint": endpoint,
        "url": settings.KNOTWORK_BASE_URL + reverse("webhooks:endpoint", args=[endpoint.public_id]),
    }
    send_mail(
        subject=f"[Knotwork] A webhook endpoint of {endpoint.clinic.name} was switched off",
        message=render_to_string("webhooks/email/endpoint_disabled.txt", context),
        from_email=None,
        recipient_list=owners,
    )
