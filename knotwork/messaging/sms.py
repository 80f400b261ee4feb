"""Text messages: a channel beside email, a gateway adapter behind it, and the gateway's signed inbound webhook.

Settings (docs/messages.md):
- `SMS_PROVIDER`: "" (no texts; the default), "console" (development: prints that a text went, never its text) or
  "twilio" (Twilio's Messages API, or any gateway that speaks it: `SMS_API_BASE`).
- `SMS_ACCOUNT_SID`, `SMS_AUTH_TOKEN`, `SMS_FROM` (the sending number, E.164): the gateway account.

A text goes only to a patient with a phone number and an open `TextConsent`; a STOP reply withdraws it. The text
itself is never logged; a text the gateway refuses is kept encrypted until it is sent or given up on.
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Replies that withdraw consent, and replies that give it back, as gateways and carriers treat them.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}


class GatewayError(Exception):
    """The gateway did not take the text (its status code or the connection's failure, never the text)."""


def masked(phone: str) -> str:
    """A phone number for a log line: the last two digits only."""
    return f"…{phone[-2:]}" if phone else "(none)"


@dataclass(frozen=True)
class Sent:
    provider_id: str


class ConsoleProvider:
    """Development: says a text was sent (to a masked number, with its length), never what it said."""

    def send(self, *, to: str, body: str) -> Sent:
        logger.info("Text message to %s (%d characters) [console gateway: not sent]", masked(to), len(body))
        return Sent(provider_id="console")


class TwilioProvider:
    """Twilio's Messages API (`POST {base}/2010-04-01/Accounts/{sid}/Messages.json`, basic auth, form body)."""

    def __init__(self) -> None:
        self.base = settings.SMS_API_BASE.rstrip("/")
        self.sid, self.token, self.sender = settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN, settings.SMS_FROM

    def send(self, *, to: str, body: str) -> Sent:
        url = f"{self.base}/2010-04-01/Accounts/{urllib.parse.quote(self.sid)}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": self.sender, "Body": body}).encode()
        request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (the configured gateway)
        credentials = base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise GatewayError(f"gateway answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GatewayError(f"gateway unreachable ({type(error).__name__})") from None
        return Sent(provider_id=str(answer.get("sid", ""))[:64])


PROVIDERS = {"console": ConsoleProvider, "twilio": TwilioProvider}


def provider():
    """The configured gateway, or None when texts are off."""
    name = settings.SMS_PROVIDER
    return PROVIDERS[name]() if name else None


def inbound_signature_ok(url: str, params: dict[str, str], signature: str) -> bool:
    """Twilio's request signature: HMAC-SHA1 (auth token) of the full URL and the sorted POST fields, base64."""
    if not settings.SMS_AUTH_TOKEN or not signature:
        return False
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(settings.SMS_AUTH_TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature)


def reply_keyword(body: str) -> str:
    """STOP, START or "" for a patient's reply (carriers accept the keyword alone, in any case)."""
    word = body.strip().upper().rstrip(".!")
    if word in STOP_WORDS:
        return "STOP"
    if word in START_WORDS:
        return "START"
    return ""


def _fernet() -> Fernet:
    key = salted_hmac("knotwork.messaging.OutboundText", "body", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(body: str) -> bytes:
    return _fernet().encrypt(body.encode())


def unseal(sealed: bytes | memoryview) -> str | None:
    """The text again, or None when it cannot be read (erased, or SECRET_KEY rotated since)."""
    try:
        return _fernet().decrypt(bytes(sealed)).decode()
    except (InvalidToken, ValueError):
        return None
