"""Signing as the Standard Webhooks convention does, and keeping endpoint secrets sealed in the database.

Each request carries three headers: `webhook-id` (the event's id, the same on every retry), `webhook-timestamp`
(Unix seconds of this attempt) and `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of
`{id}.{timestamp}.{body}` keyed with the secret's bytes (the part after `whsec_`, base64-decoded). During a
secret's rotation the header carries one signature per secret, separated by a space; a receiver accepts the
request when any of them matches. docs/webhooks.md shows a receiver checking it.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix secrets carry, not a secret
SECRET_BYTES = 32
# A receiver should refuse a request whose timestamp is further than this from its own clock (replayed requests).
TOLERANCE_SECONDS = 5 * 60


def new_secret() -> str:
    """A new signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One signature, `v1,<base64>`, of the body as sent."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret (the current one first)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, message_id, timestamp, body) for secret in secrets_),
    }


def verify(secret: str, message_id: str, timestamp: str, body: bytes, signature_header: str, *, now: int) -> bool:
    """Whether a request is signed with `secret` and recent (what a receiver does; Knotwork's tests use it)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, message_id, sent_at, body)
    return any(hmac.compare_digest(expected, given) for given in signature_header.split())


def _fernet() -> Fernet:
    key = salted_hmac("knotwork.webhooks.Endpoint", "secret", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> bytes:
    """The secret encrypted for the database (a key derived from SECRET_KEY, as text messages are kept)."""
    return _fernet().encrypt(secret.encode())


def unseal(sealed: bytes) -> str | None:
    """The secret again, or None when it cannot be read (SECRET_KEY changed since: rotate the endpoint's secret)."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(bytes(sealed)).decode()
    except (InvalidToken, ValueError):
        return None
