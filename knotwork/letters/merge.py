"""Merge fields in the clinic's letter templates: `{{patient.first_name}}` and nothing more.

The clinic's text is never run as a Django template: a field is a name from FIELDS between double braces (spaces
inside allowed), replaced by plain text; the result is escaped like any text when the letter is rendered. A
template with an unknown field, a stray brace pair or a template tag is refused when it is saved, with a message
that names the problem and the fields there are. Django-free, so the check is the same wherever text comes from.
"""

import re
from collections.abc import Mapping

# The fields a template may use, with what each becomes (shown beside the template form).
FIELDS: dict[str, str] = {
    "patient.first_name": "the patient's first name",
    "patient.last_name": "the patient's last name",
    "patient.full_name": "the patient's full name",
    "patient.date_of_birth": "the patient's date of birth",
    "patient.chart_number": "the patient's chart number",
    "referrer.name": "the referring clinician's name",
    "referrer.practice": "the referring clinician's practice",
    "clinic.name": "the clinic's name",
    "clinic.phone": "the clinic's phone number",
    "practitioner.name": "the name of the practitioner sending the letter",
    "course.start": "the first day of the course of treatment",
    "course.end": "the last day of the course (or its planned end)",
    "course.sessions": "how many sessions the course has had",
    "diagnosis": "the working diagnosis (ICD-10-CM code and description)",
    "verdict": "whether the patient responded, by the clinic's responder rule",
    "today": "the date the letter is sent",
}

_FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_TAG = re.compile(r"\{%|%\}|\{#|#\}")


class MergeError(ValueError):
    """The template text uses something that is not a merge field; the message says what and how to fix it."""


def problems(text: str) -> list[str]:
    """What is wrong with the merge fields of `text`, one sentence each; an empty list when nothing is."""
    found = []
    if _TAG.search(text):
        found.append("Template tags such as {% … %} are not allowed: use merge fields such as {{patient.first_name}}.")
    unknown = []
    for match in _FIELD.finditer(text):
        if match.group(1) not in FIELDS:
            unknown.append("{{" + match.group(1) + "}}")
    if unknown:
        found.append(
            f"Unknown merge field{'s' if len(unknown) > 1 else ''} {', '.join(dict.fromkeys(unknown))}: "
            f"the fields are {', '.join('{{' + name + '}}' for name in FIELDS)}."
        )
    rest = _FIELD.sub("", text)
    if "{{" in rest or "}}" in rest:
        found.append("A merge field is not closed: write it as {{patient.first_name}}, with two braces each side.")
    return found


def validate(text: str) -> None:
    found = problems(text)
    if found:
        raise MergeError(" ".join(found))


def merge(text: str, values: Mapping[str, str]) -> str:
    """The text with each field replaced by its value (a field without a value becomes empty)."""
    validate(text)
    return _FIELD.sub(lambda match: str(values.get(match.group(1), "")), text)
