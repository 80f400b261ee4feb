"""API keys on the wire: `Authorization: Bearer kw_…` finds the key, checks its reach and rate, names its user.

The key's user (one per key, with the key's role in its clinic) becomes `request.auth` and `request.user`, so the
API's selectors, the policy and the audit trail treat the call as that named user, as they treat a browser's.
"""

import datetime
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from knotwork.accounts.models import ApiKey
from knotwork.core import tokens
from knotwork.core.api import CredentialsRefused, RateLimited

PREFIX = "kw_"
LAST_USE_EVERY = datetime.timedelta(minutes=1)  # last use is written at most once a minute per key
REFUSED = "This API key is not valid or has been revoked: ask the clinic owner for a new one."


# A patient's records listed under /patients/{id}/ belong to the part of the API that holds them.
PATIENT_PARTS = {
    "check-ins": "followup",
    "flags": "followup",
    "diary": "followup",
    "consents": "assessment",
    "diagnoses": "assessment",
    "examinations": "assessment",
    "intakes": "assessment",
    "safety-screens": "assessment",
    "trigger-points": "assessment",
    "documents": "documents",
    "notes": "treatment",
    "sessions": "treatment",
    "plans": "plans",
}
# Parts named after something other than their resource: a practitioner's free slots are for booking.
ALIASES = {"practitioners": "appointments"}


def resources_of(path: str) -> tuple[str, ...]:
    """The parts of the API a path needs: `/api/v1/patients/…` -> ("patients",); `/fhir/r4/…` -> ("fhir",);
    `/api/v1/patients/{id}/sessions` -> ("patients", "treatment"): the patient, and the part holding the sessions."""
    if path.startswith("/fhir/"):
        return ("fhir",)
    parts = path.split("/api/v1/", 1)[-1].split("/")
    if parts[0] == "patients" and len(parts) > 2 and parts[2] in PATIENT_PARTS:
        return ("patients", PATIENT_PARTS[parts[2]])
    return (ALIASES.get(parts[0], parts[0]),)


def _check_rate(key: ApiKey) -> None:
    """A fixed window per key (settings.API_KEY_RATE_LIMIT calls per minute), counted in the shared cache."""
    limit = settings.API_KEY_RATE_LIMIT
    now = time.time()
    window = int(now // 60)
    name = f"api-key-rate:{key.prefix}:{window}"
    cache.add(name, 0, timeout=120)
    try:
        count = cache.incr(name)
    except ValueError:  # the entry expired between add and incr
        cache.set(name, 1, timeout=120)
        count = 1
    if count > limit:
        raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))


class ApiKeyAuth(HttpBearer):
    """A clinic's API key, sent as a bearer token."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token.startswith(PREFIX) or not tokens.is_presentable(token):
            raise CredentialsRefused(REFUSED)
        prefix = token[len(PREFIX) :].split("_", 1)[0]
        key = (
            ApiKey.objects.select_related("user__membership", "clinic")
            .filter(prefix=prefix, revoked_at__isnull=True)
            .first()
        )
        if key is None or not tokens.matches(token, key.key_hash) or not key.user.is_active:
            raise CredentialsRefused(REFUSED)
        for resource in resources_of(request.path):
            if not key.allows(resource):
                raise PermissionDenied(f"This API key may not use the {resource} part of the API.")
        _check_rate(key)
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USE_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        user = key.user
        user.acting_api_key = key  # type: ignore[attr-defined]  # read by audit.actors.describe
        request.user = user
        request.api_key = key  # type: ignore[attr-defined]
        return user


def bearer_user(request: HttpRequest):
    """For views outside the ninja API (FHIR): the key's user for an `Authorization: Bearer` header, else None.

    Raises CredentialsRefused for a presented key that is not valid, PermissionDenied for a part of the API the key
    may not use, and RateLimited past its rate (the caller answers each as its protocol wants).
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return ApiKeyAuth().authenticate(request, token.strip())
