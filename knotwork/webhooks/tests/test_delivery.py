"""Deliveries to a receiver on loopback: signed as docs/webhooks.md says, retried, switched off, replayed."""

import datetime
import json
import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from knotwork.core.policy import SystemActor
from knotwork.patients.tests.factories import PatientFactory
from knotwork.webhooks import services
from knotwork.webhooks.models import Delivery, DeliveryStatus

WORKER = SystemActor("test worker")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def docs_receiver():
    """The receiver's `verify_webhook` exactly as docs/webhooks.md shows it to integrators."""
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own documentation's example, run to prove it works
    return namespace["verify_webhook"]


def test_a_registered_patient_reaches_the_receiver_signed_and_the_docs_receiver_accepts_it(
    clinic_a, endpoint_and_secret, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_and_secret
    with django_capture_on_commit_callbacks(execute=True):
        patient = PatientFactory(clinic=clinic_a)

    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/hooks"
    body = json.loads(got.body)
    assert body["type"] == "patient.created"
    assert body["data"] == {
        "clinic": str(clinic_a.public_id),
        "object": "patient",
        "id": str(patient.public_id),
        "status": patient.status,
        "created_at": body["data"]["created_at"],
    }
    assert patient.last_name not in got.body.decode()
    verify = docs_receiver()
    assert verify(secret, got.headers, got.body)
    assert not verify(secret, got.headers, got.body + b" ")  # a changed body fails
    assert not verify("whsec_" + "A" * 44, got.headers, got.body)  # another secret fails
    assert not verify(secret, got.headers, got.body, now=time.time() + 600)  # an old message fails

    delivery = Delivery.objects.get()
    assert got.headers["webhook-id"] == str(delivery.event_id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.DELIVERED, 1, 204)
    assert delivery.response_ms is not None
    assert delivery.patient == patient


def test_a_500_is_retried_with_backoff_until_the_delivery_fails(clinic_a, endpoint, receiver):
    receiver.status = 500
    PatientFactory(clinic=clinic_a)
    delivery = Delivery.objects.get()
    start = delivery.next_attempt_at
    waits = []
    now = start
    for _ in range(len(services.RETRY_DELAYS)):
        assert services.deliver(delivery_id=delivery.pk, by=WORKER, now=now) is not None
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        waits.append(delivery.next_attempt_at - now)
        # Not due before its time: a call a second early sends nothing.
        early = delivery.next_attempt_at - datetime.timedelta(seconds=1)
        assert services.deliver(delivery_id=delivery.pk, by=WORKER, now=early) is None
        now = delivery.next_attempt_at
    assert waits == [
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=5),
        datetime.timedelta(minutes=30),
        datetime.timedelta(hours=2),
        datetime.timedelta(hours=6),
        datetime.timedelta(hours=15),
    ]
    services.deliver(delivery_id=delivery.pk, by=WORKER, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 7, None)
    assert delivery.response_status == 500
    # A short, single-line excerpt of the answer, control characters gone.
    assert delivery.last_error == "Answered HTTP 500: Internal error at line 3"
    assert len(receiver.received) == 7
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # the same event id on every retry


def test_a_success_after_failures_resets_the_count(clinic_a, endpoint, receiver):
    receiver.statuses = [503, 503]
    PatientFactory(clinic=clinic_a)
    delivery = Delivery.objects.get()
    now = delivery.next_attempt_at
    for _ in range(3):
        services.deliver(delivery_id=delivery.pk, by=WORKER, now=now)
        delivery.refresh_from_db()
        now = delivery.next_attempt_at or now
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert endpoint.consecutive_failures == 0


def test_repeated_failure_switches_the_endpoint_off_and_emails_the_owners(
    clinic_a, owner, practitioner, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    receiver.status = 500
    for _ in range(3):
        PatientFactory(clinic=clinic_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_deliveries(by=WORKER) == 3

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert "3 failed attempts in a row" in endpoint.disabled_reason
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert endpoint.url in message.body
    assert f"/webhooks/{endpoint.public_id}/" in message.body

    # Switched off: nothing more is queued or sent, the waiting deliveries wait.
    PatientFactory(clinic=clinic_a)
    assert Delivery.objects.count() == 3
    later = timezone.now() + datetime.timedelta(days=1)
    assert services.send_due_deliveries(by=WORKER, now=later) == 0
    assert len(receiver.received) == 3

    # Switched on again: the waiting ones go at once.
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        services.enable_endpoint(endpoint=endpoint, by=owner)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert len(receiver.received) == 6


def test_a_slow_receiver_times_out_and_is_retried(clinic_a, endpoint, receiver, monkeypatch):
    monkeypatch.setattr(services, "TIMEOUT_SECONDS", 0.3)
    receiver.delay = 1.0
    PatientFactory(clinic=clinic_a)
    delivery = Delivery.objects.get()
    services.deliver(delivery_id=delivery.pk, by=WORKER)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_status is None
    assert delivery.last_error == "No answer within 0.3 seconds."
    assert delivery.next_attempt_at > timezone.now()


def test_a_redirect_is_not_followed(clinic_a, endpoint, receiver):
    receiver.redirect_to = "http://127.0.0.1:9/elsewhere"
    PatientFactory(clinic=clinic_a)
    delivery = Delivery.objects.get()
    services.deliver(delivery_id=delivery.pk, by=WORKER)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_status == 307
    assert "redirect, not followed" in delivery.last_error
    assert len(receiver.received) == 1


def test_replay_sends_the_same_event_again_as_a_new_delivery(
    clinic_a, owner, endpoint_and_secret, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_and_secret
    with django_capture_on_commit_callbacks(execute=True):
        PatientFactory(clinic=clinic_a)
    first = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.replay_delivery(delivery=first, by=owner)
    replay.refresh_from_db()
    assert replay.replay_of == first
    assert replay.status == DeliveryStatus.DELIVERED
    assert [r.body for r in receiver.received] == [receiver.received[0].body] * 2
    assert receiver.received[1].headers["webhook-id"] == str(first.event_id)
    assert docs_receiver()(secret, receiver.received[1].headers, receiver.received[1].body)


def test_a_waiting_delivery_cannot_be_replayed(clinic_a, owner, endpoint):
    from knotwork.core.errors import ClinicRuleError

    PatientFactory(clinic=clinic_a)
    with pytest.raises(ClinicRuleError, match="still waiting"):
        services.replay_delivery(delivery=Delivery.objects.get(), by=owner)


def test_a_test_event_names_no_patient(owner, endpoint_and_secret, receiver, django_capture_on_commit_callbacks):
    endpoint, secret = endpoint_and_secret
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_test_event(endpoint=endpoint, by=owner)
    body = json.loads(receiver.received[0].body)
    assert body["type"] == "webhook.test"
    assert "patient" not in body["data"]
    assert delivery.patient is None
    assert docs_receiver()(secret, receiver.received[0].headers, receiver.received[0].body)


def test_after_a_new_secret_both_secrets_sign_for_a_day(
    owner, endpoint_and_secret, receiver, django_capture_on_commit_callbacks, time_machine
):
    endpoint, old = endpoint_and_secret
    endpoint, new = services.rotate_secret(endpoint=endpoint, by=owner)
    assert new != old
    verify = docs_receiver()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=endpoint, by=owner)
    got = receiver.received[-1]
    assert verify(new, got.headers, got.body)
    assert verify(old, got.headers, got.body)

    time_machine.move_to(timezone.now() + datetime.timedelta(hours=25), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=endpoint, by=owner)
    got = receiver.received[-1]
    assert verify(new, got.headers, got.body, now=int(got.headers["webhook-timestamp"]))
    assert not verify(old, got.headers, got.body, now=int(got.headers["webhook-timestamp"]))


def test_a_secret_sealed_under_another_secret_key_fails_with_a_clear_error(clinic_a, endpoint, receiver, settings):
    PatientFactory(clinic=clinic_a)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    delivery = Delivery.objects.get()
    services.deliver(delivery_id=delivery.pk, by=WORKER)
    delivery.refresh_from_db()
    assert "rotate it" in delivery.last_error
    assert receiver.received == []


def test_the_sweep_command_sends_what_is_due(clinic_a, endpoint, receiver):
    from io import StringIO

    from django.core.management import call_command

    PatientFactory(clinic=clinic_a)
    out = StringIO()
    call_command("send_webhooks", stdout=out)
    assert "Attempted 1 webhook delivery" in out.getvalue()
    assert len(receiver.received) == 1
    out = StringIO()
    call_command("send_webhooks", "--quiet", stdout=out)
    assert out.getvalue() == ""


def _resolving(monkeypatch, name: str, address: str) -> None:
    """`name` resolves to `address` on this machine (no DNS is asked)."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == name:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_resolves_into_a_private_network_is_not_sent_to(clinic_a, endpoint, receiver, monkeypatch):
    """The address is checked when the event is sent, not only when it is registered: a name may be repointed."""
    _resolving(monkeypatch, "hooks.example.com", "10.1.2.3")
    Endpoint = type(endpoint)
    Endpoint.objects.filter(pk=endpoint.pk).update(url="https://hooks.example.com/in")
    PatientFactory(clinic=clinic_a)
    delivery = services.deliver(delivery_id=Delivery.objects.get().pk, by=WORKER)
    assert delivery.status == DeliveryStatus.PENDING  # retried later, like any failure, and shown to the owner
    assert delivery.last_error == "Not sent: hooks.example.com resolves to a private network address."
    assert receiver.received == []


def test_the_connection_goes_to_the_address_that_was_checked(clinic_a, endpoint, receiver, monkeypatch):
    """The name is resolved once; the connection is made to that address, with the name kept in the Host header."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    _resolving(monkeypatch, "receiver.test", "127.0.0.1")
    type(endpoint).objects.filter(pk=endpoint.pk).update(url=f"http://receiver.test:{port}/hooks")
    PatientFactory(clinic=clinic_a)
    delivery = services.deliver(delivery_id=Delivery.objects.get().pk, by=WORKER)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.received[0].headers["host"] == f"receiver.test:{port}"
