"""Webhook endpoints (the owner's) and deliveries (Knotwork's): register, change, test, replay, queue and send.

A delivery is queued in the transaction of the change it reports (from its audit entry, `queue_events`), so a
change that is rolled back sends nothing; the task worker sends it after the commit. A failed attempt is retried
after RETRY_DELAYS (by a deferred task when the backend can defer, otherwise by `manage.py send_webhooks`); after
WEBHOOKS_DISABLE_AFTER_FAILURES failed attempts in a row the endpoint is switched off and the owners are emailed.
A request goes to the endpoint's registered URL only: redirects are not followed and no proxy is used.
"""

import datetime
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.tasks import default_task_backend
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.audit.models import AuditEntry
from knotwork.clinics.models import Clinic
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.webhooks import events, signing, tasks
from knotwork.webhooks.models import TEST_EVENT, Delivery, DeliveryStatus, Endpoint, Event

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
# Waits before the 2nd, 3rd … attempt; after the last, the delivery has failed (about 24 hours after the first).
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
    datetime.timedelta(hours=15),
)
# An attempt still "sending" after this long was cut short (the worker stopped): the sweep tries it again.
STALE_ATTEMPT = datetime.timedelta(minutes=2)
ERROR_EXCERPT = 120
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
USER_AGENT = "Knotwork-Webhooks/1"


def _disable_after() -> int:
    return int(getattr(settings, "WEBHOOKS_DISABLE_AFTER_FAILURES", 10))


def _loopback_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False))


def _private_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False))


def _address_refusal(address: str) -> str:
    """Why events may not be sent to this IP address ('' when they may): this server itself, or a private,
    link-local (a cloud's metadata service), multicast or reserved network, unless the settings allow it."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "" if _loopback_allowed() else "this server itself (localhost)"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "an address no receiving program has"
    if ip.is_private or ip.is_link_local or not ip.is_global:
        return "" if _private_allowed() else "a private network address"
    return ""


def _is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _clean_url(url: str) -> str:
    """The URL to send to, or a ValidationError saying what is wrong with it in words an owner can act on."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "Enter the address of the program that receives the events."})
    if len(url) > 500:
        raise ValidationError({"url": "This address is too long (500 characters at most)."})
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        _port = parts.port
    except ValueError:
        raise ValidationError(
            {"url": "This is not a web address (it should look like https://example.com/hooks)."}
        ) from None
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError(
            {"url": "Enter a full web address starting with https://, e.g. https://example.com/hooks."}
        )
    if parts.username or parts.password:
        raise ValidationError(
            {"url": "Leave the user name and password out of the address: the receiver checks the signature instead."}
        )
    if _is_loopback(host):
        if not _loopback_allowed():
            raise ValidationError(
                {"url": "This address points at this server itself (localhost); enter the receiving program's address."}
            )
    elif (literal := _ip_literal(host)) is not None and (why := _address_refusal(literal)):
        raise ValidationError(
            {"url": f"This address is {why}; events go to a receiving program on the internet (docs/webhooks.md)."}
        )
    elif parts.scheme != "https":
        raise ValidationError(
            {"url": "The address must start with https:// so that patient events are sent encrypted."}
        )
    return urllib.parse.urlunsplit(parts._replace(fragment=""))


def _clean_events(chosen: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(chosen or []))
    if not chosen:
        raise ValidationError({"events": "Choose at least one event to send."})
    unknown = [name for name in chosen if name not in Event.values]
    if unknown:
        raise ValidationError(
            {"events": f"Unknown event: {', '.join(unknown)}. Choose from: {', '.join(Event.values)}."}
        )
    return [name for name in Event.values if name in chosen]


class EndpointFields(TypedDict, total=False):
    url: str
    events: list[str]
    description: str


def _check_unique_url(endpoint: Endpoint) -> None:
    if Endpoint.objects.filter(clinic_id=endpoint.clinic_id, url=endpoint.url).exclude(pk=endpoint.pk).exists():
        raise ValidationError({"url": "This clinic already sends events to this address."})


@transaction.atomic
def create_endpoint(*, clinic: Clinic, by: Actor, **fields: Unpack[EndpointFields]) -> tuple[Endpoint, str]:
    """Register an endpoint; return it and its signing secret (shown to the owner this once)."""
    require(by, "manage_webhooks", clinic)
    refuse_unknown("create_endpoint", fields, EndpointFields)
    secret = signing.new_secret()
    endpoint = Endpoint(
        clinic=clinic,
        url=_clean_url(fields.get("url", "")),
        events=_clean_events(fields.get("events")),
        description=(fields.get("description") or "").strip(),
        secret_sealed=signing.seal(secret),
        created_by=acting_staff(by),
    )
    _check_unique_url(endpoint)
    endpoint.full_clean(exclude=["url"])  # the URL was checked above, with the loopback rule URLField lacks
    endpoint.save()
    logger.info("Webhook endpoint %s registered", endpoint.public_id)
    return endpoint, secret


@transaction.atomic
def update_endpoint(*, endpoint: Endpoint, by: Actor, **changes: Unpack[EndpointFields]) -> Endpoint:
    """Change an endpoint's address, events or description (its secret stays)."""
    require(by, "manage_webhooks", endpoint)
    refuse_unknown("update_endpoint", changes, EndpointFields)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if "url" in changes:
        endpoint.url = _clean_url(changes["url"])
    if "events" in changes:
        endpoint.events = _clean_events(changes["events"])
    if "description" in changes:
        endpoint.description = (changes["description"] or "").strip()
    _check_unique_url(endpoint)
    endpoint.full_clean(exclude=["url"])
    endpoint.save()
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: Endpoint, by: Actor) -> tuple[Endpoint, str]:
    """Give the endpoint a new secret (returned, shown once); the old one keeps signing too for 24 hours."""
    require(by, "manage_webhooks", endpoint)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.new_secret()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    endpoint.previous_secret_until = timezone.now() + datetime.timedelta(hours=24)
    endpoint.secret_sealed = signing.seal(secret)
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def disable_endpoint(*, endpoint: Endpoint, by: Actor) -> Endpoint:
    """Stop sending to the endpoint; waiting deliveries wait until it is switched on again."""
    require(by, "manage_webhooks", endpoint)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = f"Switched off by {by}."
        endpoint.save()
    return endpoint


@transaction.atomic
def enable_endpoint(*, endpoint: Endpoint, by: Actor) -> Endpoint:
    """Send to the endpoint again, starting with the deliveries that waited while it was off."""
    require(by, "manage_webhooks", endpoint)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.is_active:
        return endpoint
    endpoint.is_active = True
    endpoint.consecutive_failures = 0
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save()
    now = timezone.now()
    waiting = endpoint.deliveries.filter(status=DeliveryStatus.PENDING)
    waiting.update(next_attempt_at=now)
    for delivery_id in list(waiting.order_by("created_at").values_list("pk", flat=True)[:50]):
        _send_after_commit(delivery_id)  # any others go with the next sweep
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: Endpoint, by: Actor) -> None:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    require(by, "manage_webhooks", endpoint)
    logger.info("Webhook endpoint %s deleted", endpoint.public_id)
    endpoint.delete()


def _send_after_commit(delivery_id: int, at: datetime.datetime | None = None) -> None:
    if at is not None:
        if default_task_backend.supports_defer:
            transaction.on_commit(lambda: tasks.deliver_webhook.using(run_after=at).enqueue(delivery_id=delivery_id))
        return  # without a deferring backend, `manage.py send_webhooks` sends it when it is due
    transaction.on_commit(lambda: tasks.deliver_webhook.enqueue(delivery_id=delivery_id))


def _new_delivery(endpoint: Endpoint, *, event: str, event_id: uuid.UUID, payload: dict, patient_id=None, **more):
    return Delivery(
        clinic_id=endpoint.clinic_id,
        endpoint=endpoint,
        event=event,
        event_id=event_id,
        payload=payload,
        patient_id=patient_id,
        next_attempt_at=timezone.now(),
        **more,
    )


@transaction.atomic
def send_test_event(*, endpoint: Endpoint, by: Actor) -> Delivery:
    """Queue a `webhook.test` event to the endpoint (no patient in it), to check the receiver and its signature."""
    require(by, "manage_webhooks", endpoint)
    if not endpoint.is_active:
        raise ClinicRuleError("This endpoint is switched off. Switch it on before sending a test event.")
    now = timezone.now()
    body = events.payload(
        event=TEST_EVENT,
        at=now,
        clinic_public_id=endpoint.clinic.public_id,
        data={"object": "test", "message": "A test event from Knotwork."},
    )
    delivery = _new_delivery(endpoint, event=TEST_EVENT, event_id=uuid.uuid4(), payload=body)
    delivery.save()
    _send_after_commit(delivery.pk)
    return delivery


@transaction.atomic
def replay_delivery(*, delivery: Delivery, by: Actor) -> Delivery:
    """Send a delivery again as a new one with the same event id and body (the receiver may have lost it)."""
    require(by, "replay_webhook", delivery)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        raise ClinicRuleError("This endpoint is switched off. Switch it on before sending deliveries again.")
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING):
        raise ClinicRuleError("This delivery is still waiting to be sent; it cannot be sent again yet.")
    replay = _new_delivery(
        endpoint,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        patient_id=delivery.patient_id,
        replay_of=delivery,
    )
    replay.save()
    _send_after_commit(replay.pk)
    return replay


def queue_events(*, entry: AuditEntry, by: Actor) -> list[Delivery]:
    """Queue a delivery to each active endpoint that wants an event this change entry means (in its transaction)."""
    model = events.model_of(entry)
    if model is None:
        return []  # a read, an export, or a model no event is about: no query at all
    require(by, "deliver_webhooks")
    possible = events.EVENTS_OF[model]
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(clinic_id=entry.clinic_id, is_active=True).select_related("clinic")
        if possible & set(endpoint.events)
    ]
    if not endpoints:
        return []
    queued = []
    for happened in events.events_for(entry, model):
        body = None
        event_id = uuid.uuid4()
        for endpoint in endpoints:
            if not endpoint.wants(happened.event):
                continue
            body = body or events.payload(
                event=happened.event, at=happened.at, clinic_public_id=endpoint.clinic.public_id, data=happened.data
            )
            queued.append(
                _new_delivery(
                    endpoint, event=happened.event, event_id=event_id, payload=body, patient_id=happened.patient_id
                )
            )
    Delivery.objects.bulk_create(queued)
    for delivery in queued:
        _send_after_commit(delivery.pk)
    return queued


# --- sending ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int | None
    ms: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the receiver's answer, not a new address to send a patient event to."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _excerpt(raw: bytes) -> str:
    """A short, single-line piece of the receiver's answer, for the owner to see what went wrong."""
    text = raw[: ERROR_EXCERPT * 4].decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:ERROR_EXCERPT]


class AddressRefused(OSError):
    """The receiver's name resolves to an address events may not go to (`_address_refusal`)."""


def _vetted_address(host: str, port: int) -> str:
    """The address to connect to for `host`: resolved once here, every address it has checked, and the connection
    made to that one address, so a name cannot point at a private network between the check and the connection."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in found]
    for address in addresses:
        if why := _address_refusal(address):
            raise AddressRefused(f"{host} resolves to {why}")
    return addresses[0]


def _pinned(connection_class):
    """An http.client connection class that connects to the vetted address of its host (TLS still checks the name)."""

    def connection(host, **kwargs):
        made = connection_class(host, **kwargs)
        address = _vetted_address(made.host, made.port)

        def create_connection(target, *args, **kw):
            return socket.create_connection((address, target[1]), *args, **kw)

        made._create_connection = create_connection
        return made

    return connection


class _PinnedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self) -> None:
        self.tls = ssl.create_default_context()  # certificates and the host name checked, as urllib does
        super().__init__(context=self.tls)

    def https_open(self, req):
        return self.do_open(_pinned(http.client.HTTPSConnection), req, context=self.tls)


class _PinnedHTTP(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_pinned(http.client.HTTPConnection), req)


def _post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    request = urllib.request.Request(  # noqa: S310 - the URL was checked to be https (or loopback when allowed)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _PinnedHTTPS(), _PinnedHTTP(), _NoRedirects())
    started = time.monotonic()
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return Outcome(response.status, _ms(started), "")
    except urllib.error.HTTPError as error:
        excerpt = _excerpt(error.read(1024) if error.fp else b"")
        reason = f"Answered HTTP {error.code}" + (f": {excerpt}" if excerpt else ".")
        if 300 <= error.code < 400:
            reason = f"Answered HTTP {error.code} (a redirect, not followed: register the final address)."
        return Outcome(error.code, _ms(started), reason[:300])
    except TimeoutError:
        return Outcome(None, _ms(started), f"No answer within {TIMEOUT_SECONDS} seconds.")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Outcome(None, _ms(started), f"No answer within {TIMEOUT_SECONDS} seconds.")
        if isinstance(error.reason, AddressRefused):
            return _not_sent(error.reason, started)
        return Outcome(None, _ms(started), f"Could not connect: {_excerpt(str(error.reason).encode())}"[:300])
    except AddressRefused as refused:
        return _not_sent(refused, started)
    except (OSError, ValueError) as error:
        return Outcome(None, _ms(started), f"Could not send: {_excerpt(str(error).encode())}"[:300])


def _not_sent(refused: AddressRefused, started: float) -> Outcome:
    return Outcome(None, _ms(started), f"Not sent: {_excerpt(str(refused).encode())}."[:300])


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _signing_secrets(endpoint: Endpoint, now: datetime.datetime) -> list[str]:
    found = [signing.unseal(bytes(endpoint.secret_sealed))]
    if endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        found.append(signing.unseal(bytes(endpoint.previous_secret_sealed)))
    return [secret for secret in found if secret]


def body_of(delivery: Delivery) -> bytes:
    """The exact bytes sent (and signed): the payload as compact JSON with sorted keys, the same on every attempt."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def deliver(*, delivery_id: int, by: Actor, now: datetime.datetime | None = None) -> Delivery | None:
    """Make one attempt of a due delivery and record it; None when it is not due (sent, waiting, endpoint off).

    Not one transaction: the request (up to TIMEOUT_SECONDS) is made between two short ones, so no lock is held
    while the receiver thinks. Claiming the delivery first makes the task and the sweep never send it twice.
    """
    require(by, "deliver_webhooks")
    now = now or timezone.now()
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, last_attempt_at__lte=now - STALE_ATTEMPT
    )
    claimed = Delivery.objects.filter(due, pk=delivery_id, endpoint__is_active=True).update(
        status=DeliveryStatus.SENDING, last_attempt_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    secrets_ = _signing_secrets(endpoint, now)
    if not secrets_:
        outcome = Outcome(None, None, "The signing secret cannot be read (the server's SECRET_KEY changed): rotate it.")
    else:
        body = body_of(delivery)
        sent = signing.headers(secrets_, str(delivery.event_id), int(now.timestamp()), body)
        outcome = _post(endpoint.url, body, sent)
    return _record(delivery_id, outcome, now)


@transaction.atomic
def _record(delivery_id: int, outcome: Outcome, now: datetime.datetime) -> Delivery:
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    delivery.response_status, delivery.response_ms, delivery.last_error = outcome.status, outcome.ms, outcome.error
    if outcome.ok:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
        endpoint.consecutive_failures = 0
    else:
        endpoint.consecutive_failures += 1
        if delivery.attempts > len(RETRY_DELAYS):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
            _send_after_commit(delivery.pk, at=delivery.next_attempt_at)
        logger.warning(
            "Webhook delivery %s to endpoint %s failed (attempt %s): %s",
            delivery.public_id,
            endpoint.public_id,
            delivery.attempts,
            outcome.status or "no answer",
        )
        if endpoint.is_active and endpoint.consecutive_failures >= _disable_after():
            endpoint.is_active = False
            endpoint.disabled_at = now
            endpoint.disabled_reason = (
                f"Switched off by Knotwork after {endpoint.consecutive_failures} failed attempts in a row."
            )
            endpoint_id = endpoint.pk
            transaction.on_commit(lambda: tasks.send_endpoint_disabled_email.enqueue(endpoint_id=endpoint_id))
            logger.warning("Webhook endpoint %s switched off after repeated failures", endpoint.public_id)
    delivery.save()
    endpoint.save(update_fields=["consecutive_failures", "is_active", "disabled_at", "disabled_reason", "updated_at"])
    return delivery


def send_due_deliveries(*, by: Actor, now: datetime.datetime | None = None) -> int:
    """Attempt every delivery whose time has come (for `manage.py send_webhooks`); return how many were attempted."""
    require(by, "deliver_webhooks")
    now = now or timezone.now()
    due = Delivery.objects.filter(endpoint__is_active=True).filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, last_attempt_at__lte=now - STALE_ATTEMPT)
    )
    attempted = 0
    for delivery_id in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)):
        attempted += deliver(delivery_id=delivery_id, by=by, now=now) is not None
    return attempted
