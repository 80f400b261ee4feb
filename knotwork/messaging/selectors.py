"""The clinic's words for each message about a visit (its own, or Knotwork's default), and the merged message."""

import dataclasses
from collections.abc import Mapping

from knotwork.messaging import merge
from knotwork.messaging.defaults import DEFAULT_TEMPLATES, SAMPLE_VALUES
from knotwork.messaging.models import MessageKind, MessageTemplate


@dataclasses.dataclass(frozen=True)
class MessageText:
    kind: str
    subject: str
    body: str
    is_default: bool

    @property
    def label(self) -> str:
        return MessageKind(self.kind).label

    @property
    def fields(self) -> tuple[str, ...]:
        return merge.KIND_FIELDS[self.kind]


def template_for(clinic, kind: str) -> MessageText:
    """The clinic's words for `kind`, or Knotwork's default when the owner has not changed them."""
    kind = MessageKind(kind)
    row = MessageTemplate.objects.filter(clinic_id=clinic.pk, kind=kind).first()
    if row is not None:
        return MessageText(kind=kind, subject=row.subject, body=row.body, is_default=False)
    default = DEFAULT_TEMPLATES[kind]
    return MessageText(kind=kind, subject=default["subject"], body=default["body"], is_default=True)


def templates(clinic) -> list[MessageText]:
    rows = {row.kind: row for row in MessageTemplate.objects.filter(clinic_id=clinic.pk)}
    found = []
    for kind in MessageKind:
        row = rows.get(kind)
        if row is not None:
            found.append(MessageText(kind=kind, subject=row.subject, body=row.body, is_default=False))
        else:
            default = DEFAULT_TEMPLATES[kind]
            found.append(MessageText(kind=kind, subject=default["subject"], body=default["body"], is_default=True))
    return found


def clinic_values(clinic) -> dict[str, str]:
    """The clinic's own merge fields."""
    return {
        "clinic_name": clinic.name,
        "clinic_phone": str(clinic.phone or ""),
        "clinic_address": ", ".join(line.strip() for line in (clinic.address or "").splitlines() if line.strip()),
    }


def merge_message(text: MessageText, values: Mapping[str, str]) -> tuple[str, str]:
    """Subject and body of `text` with its fields filled; the subject is one line."""
    subject = merge.merge(text.subject, values, text.fields)
    return " ".join(subject.split()), merge.merge(text.body, values, text.fields) + "\n"


def render_message(*, clinic, kind: str, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject and body of the clinic's `kind` message, with `values` (and the clinic's fields) merged in.

    A template saved before a field was withdrawn from its kind cannot break a message: Knotwork's default is used.
    """
    text = template_for(clinic, kind)
    merged_values = clinic_values(clinic) | dict(values)
    try:
        return merge_message(text, merged_values)
    except merge.MergeError:
        default = DEFAULT_TEMPLATES[MessageKind(kind)]
        fallback = MessageText(kind=kind, subject=default["subject"], body=default["body"], is_default=True)
        return merge_message(fallback, merged_values)


def preview(clinic, text: MessageText) -> tuple[str, str]:
    """The message as a patient would read it, with made-up sample details and the clinic's own."""
    return merge_message(text, clinic_values(clinic) | SAMPLE_VALUES)
