"""Keyset pages for long, newest-first lists: no count of the whole table, no OFFSET that grows with the page.

A page is the rows after a cursor in the list's order (a timestamp or date column, then the primary key); the
cursor is the last row's key, written into the link as an opaque token. "Newer" walks the other way from the
first row. However long the list grows, each page costs one indexed range read of `size + 1` rows.
"""

import base64
import dataclasses
import datetime
from typing import Any

from django.db.models import Q, QuerySet


class BadCursor(ValueError):
    """A page link that was not written by this module (edited or cut short)."""


@dataclasses.dataclass
class KeysetPage:
    object_list: list
    older: str | None  # cursor for the next page of older rows, or None at the end
    newer: str | None  # cursor for the page of newer rows, or None on the first page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.older or self.newer)


def _encode(moment: datetime.datetime, pk: int) -> str:
    raw = f"{moment.astimezone(datetime.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, pk_text = raw.split("|")
        moment = datetime.datetime.fromisoformat(moment_text)
        pk = int(pk_text)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadCursor("This page link is not valid; start again from the first page.") from error
    if moment.tzinfo is None:
        raise BadCursor("This page link is not valid; start again from the first page.")
    return moment, pk


def keyset_page(
    rows: QuerySet, *, field: str, size: int, older: str | None = None, newer: str | None = None
) -> KeysetPage:
    """One page of `rows`, newest first by (`field`, pk). Give at most one of `older` and `newer`."""
    key = lambda row: (getattr(row, field), row.pk)  # noqa: E731
    if newer:
        moment, pk = decode(newer)
        after = Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
        found = list(rows.filter(after).order_by(field, "pk")[: size + 1])
        more_newer = len(found) > size
        items = list(reversed(found[:size]))
        return KeysetPage(
            items,
            older=_encode(*key(items[-1])) if items else None,
            newer=_encode(*key(items[0])) if items and more_newer else None,
        )
    query: Any = rows
    if older:
        moment, pk = decode(older)
        query = rows.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))
    found = list(query.order_by(f"-{field}", "-pk")[: size + 1])
    items = found[:size]
    return KeysetPage(
        items,
        older=_encode(*key(items[-1])) if len(found) > size else None,
        newer=_encode(*key(items[0])) if older and items else None,
    )


def cursor_for(moment: datetime.datetime, pk: int) -> str:
    """The cursor of a row (its time and primary key), for a link to the rows after it."""
    return _encode(moment, pk)


def rows_after(
    rows: QuerySet, *, field: str, size: int, cursor: str | None = None, since: datetime.datetime | None = None
) -> tuple[list, str | None]:
    """Oldest first by (`field`, pk): the `size` rows after `cursor` (changed at or after `since`) and the next cursor.

    For a client keeping a copy in step ("everything changed since yesterday", page by page): a row changed while
    the client pages moves to the end of the list, so it is met again rather than missed.
    """
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": since})
    if cursor:
        moment, pk = decode(cursor)
        rows = rows.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    found = list(rows.order_by(field, "pk")[: size + 1])
    items = found[:size]
    last = items[-1] if items else None
    return items, (_encode(getattr(last, field), last.pk) if last is not None and len(found) > size else None)
