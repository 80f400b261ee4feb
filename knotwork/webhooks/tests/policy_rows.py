"""Who may manage webhooks and send deliveries (rows of tests/test_policy_table.py)."""

from knotwork.audit.models import AuditEntry
from knotwork.webhooks import signing
from knotwork.webhooks.models import Delivery, DeliveryStatus, Endpoint
from tests.policy_actors import OWNER, SYSTEM

# Nothing listens on port 9 of loopback: an allowed `deliver` fails at once, without leaving the machine.
NOWHERE = "http://127.0.0.1:9/hooks"


def _endpoint(w) -> Endpoint:
    return Endpoint.objects.create(
        clinic=w.clinic, url=NOWHERE, events=["patient.created"], secret_sealed=signing.seal(signing.new_secret())
    )


def _delivery(w, status=DeliveryStatus.PENDING) -> Delivery:
    return Delivery.objects.create(
        clinic=w.clinic,
        endpoint=_endpoint(w),
        event="webhook.test",
        event_id="00000000-0000-4000-8000-000000000001",
        payload={"type": "webhook.test", "data": {}},
        status=status,
        next_attempt_at=w.now,
    )


def _entry(w) -> AuditEntry:
    """The patient's "created" entry, with an endpoint that wants patient.created."""
    _endpoint(w)
    return AuditEntry.objects.get_for_object(w.patient).filter(action=AuditEntry.Action.CREATE).order_by("pk").first()


ROWS = {
    "webhooks.create_endpoint": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "url": "https://hooks.example.com/in", "events": ["patient.created"]},
    ),
    "webhooks.update_endpoint": ({OWNER}, lambda w: {"endpoint": _endpoint(w), "description": "Reporting"}),
    "webhooks.rotate_secret": ({OWNER}, lambda w: {"endpoint": _endpoint(w)}),
    "webhooks.disable_endpoint": ({OWNER}, lambda w: {"endpoint": _endpoint(w)}),
    "webhooks.enable_endpoint": ({OWNER}, lambda w: {"endpoint": _endpoint(w)}),
    "webhooks.delete_endpoint": ({OWNER}, lambda w: {"endpoint": _endpoint(w)}),
    "webhooks.send_test_event": ({OWNER}, lambda w: {"endpoint": _endpoint(w)}),
    "webhooks.replay_delivery": ({OWNER}, lambda w: {"delivery": _delivery(w, DeliveryStatus.FAILED)}),
    "webhooks.queue_events": ({SYSTEM}, lambda w: {"entry": _entry(w)}),
    "webhooks.deliver": ({SYSTEM}, lambda w: {"delivery_id": _delivery(w).pk}),
    "webhooks.send_due_deliveries": ({SYSTEM}, lambda w: {}),
}

NOT_SERVICES = {
    # The bytes a delivery sends (its payload as canonical JSON): computes, writes nothing.
    "webhooks.body_of",
}
