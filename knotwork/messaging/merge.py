"""Merge fields in the clinic's messages to patients: `{{patient_first_name}}` and nothing more.

The clinic's text is never run as a Django template: a field is a name from FIELDS between double braces (spaces
inside allowed), replaced by plain text. Each kind of message offers the fields that mean something in it (a
reminder has no previous time); a template with an unknown field, a field the kind does not offer, a stray brace
pair or a template tag is refused when it is saved, with a message that names the problem and the fields there are.

A line that holds a link field whose link is not sent this time (no intake form to fill) is left out, so a
sentence such as "Please fill in your intake form: {{intake_link}}" appears only when there is a form to fill.
Django-free, so the check is the same wherever the text comes from (the settings page, a test, a script).
"""

import re
from collections.abc import Iterable, Mapping

# The fields a message may use, with what each becomes (shown beside the template form).
FIELDS: dict[str, str] = {
    "patient_first_name": "the patient's first name (or the name they prefer)",
    "clinic_name": "the clinic's name",
    "clinic_phone": "the clinic's phone number",
    "clinic_address": "the clinic's address, on one line",
    "appointment_type": "the kind of appointment (e.g. Treatment, 45 minutes)",
    "practitioner": "the practitioner's name",
    "when": "the day and time of the appointment, in the clinic's time zone",
    "previous_when": "the day and time the appointment had before it was moved",
    "cancel_policy_hours": "how many hours ahead a visit can be moved or cancelled online",
    "care_link": "the patient's care page (see, move or cancel their visits)",
    "intake_link": "the intake form to fill before the first visit (the line is left out when there is none)",
    "consent_link": "the consent forms still to sign (the line is left out when there are none)",
    "offer_link": "the link that takes the offered time",
    "offer_expires": "until when the offered time is held",
}
# Links: a line with one of these is left out of the message when the link is not sent this time.
LINK_FIELDS = frozenset({"care_link", "intake_link", "consent_link", "offer_link"})

_COMMON = ("patient_first_name", "clinic_name", "clinic_phone", "clinic_address")
_VISIT = ("appointment_type", "practitioner", "when", "cancel_policy_hours", "care_link")
# The fields each kind of message offers (the keys are messaging.models.MessageKind values).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "confirmation": (*_COMMON, *_VISIT, "intake_link", "consent_link"),
    "change": (*_COMMON, *_VISIT, "previous_when", "intake_link", "consent_link"),
    "cancellation": (*_COMMON, "appointment_type", "practitioner", "when", "care_link"),
    # Sent by the calendar's own sweep, which makes no private links.
    "reminder": (*_COMMON, "appointment_type", "practitioner", "when", "cancel_policy_hours"),
    "waitlist_offer": (*_COMMON, "appointment_type", "practitioner", "when", "offer_link", "offer_expires"),
}

_FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_TAG = re.compile(r"\{%|%\}|\{#|#\}")


class MergeError(ValueError):
    """The template text uses something that is not a merge field; the message says what and how to fix it."""


def _braced(names: Iterable[str]) -> str:
    return ", ".join("{{" + name + "}}" for name in names)


def problems(text: str, allowed: Iterable[str] | None = None) -> list[str]:
    """What is wrong with the merge fields of `text`, one sentence each; an empty list when nothing is.

    `allowed` limits the fields to those of one kind of message (all of FIELDS when None).
    """
    allowed = tuple(FIELDS if allowed is None else allowed)
    found = []
    if _TAG.search(text):
        found.append("Template tags such as {% … %} are not allowed: use merge fields such as {{patient_first_name}}.")
    unknown = [match.group(1) for match in _FIELD.finditer(text) if match.group(1) not in allowed]
    if unknown:
        names = list(dict.fromkeys(unknown))
        known_elsewhere = [name for name in names if name in FIELDS]
        found.append(
            f"Unknown merge field{'s' if len(names) > 1 else ''} {_braced(names)}"
            + (f" ({_braced(known_elsewhere)} not in this message)" if known_elsewhere else "")
            + f": the fields are {_braced(allowed)}."
        )
    rest = _FIELD.sub("", text)
    if "{{" in rest or "}}" in rest:
        found.append("A merge field is not closed: write it as {{patient_first_name}}, with two braces each side.")
    return found


def validate(text: str, allowed: Iterable[str] | None = None) -> None:
    found = problems(text, allowed)
    if found:
        raise MergeError(" ".join(found))


def merge(text: str, values: Mapping[str, str], allowed: Iterable[str] | None = None) -> str:
    """The text with each field replaced by its value; a line with a link field that has no link is left out."""
    validate(text, allowed)
    lines = []
    for line in text.split("\n"):
        names = {match.group(1) for match in _FIELD.finditer(line)}
        if any(name in LINK_FIELDS and not values.get(name) for name in names):
            continue
        lines.append(_FIELD.sub(lambda match: str(values.get(match.group(1), "")), line))
    merged = "\n".join(lines)
    # A left-out line must not leave three blank lines behind.
    return re.sub(r"\n{3,}", "\n\n", merged).strip()
