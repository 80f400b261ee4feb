"""Who may take FHIR out of Knotwork.

Reading (a patient's `$everything`, a resource by id) is the clinical record: the owner and practitioners in the
browser, and an API key with the practitioner role (read or write scope) that may use the "fhir" part of the API.
Front desk staff and front-desk keys are refused, as they are refused the examinations and notes on the chart.
The whole clinic's bulk export is the owner's (the browser) or such a practitioner key's (a program), and the task
worker's that writes it; the worker alone deletes expired exports.

The core policy refuses a read-only key every rule, because every rule guards a change. A bulk export writes
nothing clinical (only its own bookkeeping row) and FHIR Bulk Data clients are read-only by design, so keys are
asked here, by role and reach, before the rule: `export_refusal` is the one question the export service asks.
"""

from knotwork.clinics.models import Role
from knotwork.clinics.policy import NO_STAFF, OWNER, rule
from knotwork.core.policy import active_membership, refusal, register

register(
    rule("export_fhir", "take a FHIR bulk export of the whole clinic", OWNER, system=True),
    rule("delete_fhir_exports", "delete FHIR exports past their retention", NO_STAFF, system=True),
)

READERS = frozenset({Role.OWNER, Role.PRACTITIONER})
FHIR_RESOURCE = "fhir"  # the part of the API (accounts.API_RESOURCES) a key must be allowed to use


def _key_refusal(user, clinic_id: int | None) -> str | None:
    key = user.acting_api_key
    membership = active_membership(user)
    if membership is None or not key.is_active:
        return "This API key is not valid or has been revoked: ask the clinic owner for a new one."
    if not key.allows(FHIR_RESOURCE):
        return "This API key may not use the fhir part of the API: ask the owner for a key that may."
    if membership.role not in READERS:
        return "FHIR carries the clinical record: only a key with the practitioner role can read it."
    if clinic_id is not None and clinic_id != membership.clinic_id:
        return "This API key belongs to another clinic."
    return None


def read_refusal(user) -> str | None:
    """Why `user` (a signed-in staff user or an API key's user) may not read FHIR resources; None when it may."""
    if getattr(user, "acting_api_key", None) is not None:
        return _key_refusal(user, None)
    membership = active_membership(user)
    if membership is None:
        return "Only active staff of a clinic can read FHIR resources."
    if membership.role not in READERS:
        return "FHIR carries the clinical record: only a practitioner or the owner can read it."
    return None


def export_refusal(by, clinic) -> str | None:
    """Why `by` may not take (or fetch) the bulk export of `clinic`; None when it may."""
    if getattr(by, "acting_api_key", None) is not None:
        return _key_refusal(by, clinic.pk)
    return refusal(by, "export_fhir", clinic)
