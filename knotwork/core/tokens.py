"""Bearer tokens (staff invitations, patients' private links, calendar feeds): made, hashed and checked here only.

A token is a credential: whoever holds it gets in. So none is stored, not in a model, a log or a task's
arguments. The database keeps `hash_token(token)` and looks a presented token up by its hash; a task that emails
a link gets the record's id and makes the token again with `derive_token`, which needs the installation's
SECRET_KEY, so a copy of the database opens nothing. Tokens that are shown once and never sent later (a calendar
feed's address) are random: `new_token`.
"""

import base64
import hashlib
import hmac
import secrets

from django.utils.crypto import salted_hmac

# Presented tokens longer than this are refused before hashing (ours are 43 characters).
MAX_TOKEN_LENGTH = 100


def new_token() -> str:
    """A random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def derive_token(purpose: str, public_id: object) -> str:
    """The token of one record, made again from its public id with SECRET_KEY (a keyed HMAC, URL-safe).

    `purpose` names the kind of record ("knotwork.portal.PatientLink"), so two kinds never share a token.
    """
    digest = salted_hmac(purpose, str(public_id), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hex (a 256-bit random token needs no salt or stretching)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_presentable(token: str) -> bool:
    """Whether a token from a URL is worth a lookup at all (not empty, not absurdly long)."""
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH


def matches(token: str, token_hash: str) -> bool:
    """Whether `token` is the one whose hash is `token_hash`, compared in constant time."""
    return hmac.compare_digest(hash_token(token), token_hash)
