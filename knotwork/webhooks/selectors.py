"""The clinic's endpoints and their delivery log, for its owner (missing and not-yours both answer 404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from knotwork.webhooks.models import Delivery, Endpoint

LOG_LENGTH = 50


def list_endpoints(user) -> QuerySet[Endpoint]:
    return Endpoint.objects.for_user(user).order_by("created_at")


def get_endpoint(user, public_id) -> Endpoint:
    return get_object_or_404(Endpoint.objects.for_user(user).select_related("clinic"), public_id=public_id)


def list_deliveries(user, endpoint: Endpoint, *, limit: int = LOG_LENGTH) -> list[Delivery]:
    """The endpoint's latest deliveries, newest first."""
    return list(Delivery.objects.for_user(user).filter(endpoint=endpoint).order_by("-created_at", "-id")[:limit])


def get_delivery(user, public_id) -> Delivery:
    return get_object_or_404(
        Delivery.objects.for_user(user).select_related("endpoint", "replay_of"), public_id=public_id
    )
