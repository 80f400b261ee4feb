"""Keyset pages for long, newest-first lists: no count of the whole table, no OFFSET that grows with the page.

A page is the rows after a cursor in the list's order (a timestamp or date column, then the primary key); the
cursor is the last row's key, written into the link as an opaque token. "Newer" walks the other way from the
first row. However long the list grows, each page costs one indexed range read of `size + 1` rows.
"""

import base64
import dataclasses
import datetime
from typing import Any

from django.db.models import Q, QuerySet, Subquery


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


INVALID = "This page link is not valid; start again from the first page."


def _pack(first: str, pk: int) -> str:
    """A cursor: two parts, base64 without padding (opaque in a link, not a secret)."""
    return base64.urlsafe_b64encode(f"{first}|{pk}".encode()).decode().rstrip("=")


def _unpack(cursor: str) -> tuple[str, str]:
    """The two parts of a cursor; ValueError (UnicodeDecodeError is one) for anything `_pack` did not write."""
    first, second = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
    return first, second


def _encode(moment: datetime.datetime, pk: int) -> str:
    return _pack(moment.astimezone(datetime.UTC).isoformat(), pk)


def decode(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        moment_text, pk_text = _unpack(cursor)
        moment = datetime.datetime.fromisoformat(moment_text)
        pk = int(pk_text)
    except ValueError as error:
        raise BadCursor(INVALID) from error
    if moment.tzinfo is None:
        raise BadCursor(INVALID)
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
    rows: QuerySet,
    *,
    field: str,
    size: int,
    cursor: str | None = None,
    since: datetime.datetime | None = None,
) -> tuple[list, str | None]:
    """Oldest first by (`field`, pk): the `size` rows after `cursor` (changed at or after `since`, whatever the order)
    and the next cursor.

    By `updated_at`, for a client keeping a copy in step ("everything changed since yesterday", page by page): a row
    changed while the client pages moves to the end of the list, so it is met again rather than missed.
    """
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    if cursor:
        moment, pk = decode(cursor)
        rows = rows.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    # The page's rows are chosen on the table alone, then read with what they join: a clinic's week of visits
    # or its thousands of patients are not joined to their practitioners and plans only to keep fifty.
    window = rows.order_by(field, "pk").values("pk")[: size + 1]
    found = list(rows.filter(pk__in=Subquery(window)).order_by(field, "pk"))
    items = found[:size]
    last = items[-1] if items else None
    return items, (_encode(getattr(last, field), last.pk) if last is not None and len(found) > size else None)


@dataclasses.dataclass
class OrderedPage:
    """A page of a list in a fixed order (a name, say), with links to the pages either side: no count, no OFFSET."""

    object_list: list
    after: str | None  # cursor of the next page, or None at the end
    before: str | None  # cursor of the previous page, or None on the first page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.after or self.before)


def _encode_row(pk: int) -> str:
    return _pack("row", pk)


def _decode_row(cursor: str) -> int:
    try:
        kind, pk_text = _unpack(cursor)
        if kind != "row":
            raise ValueError(kind)
        return int(pk_text)
    except ValueError as error:
        raise BadCursor(INVALID) from error


def _beyond(names: list[str], values: tuple, pk: int, *, forwards: bool) -> Q:
    """Rows after (or before) the one whose keys are `values` and primary key `pk`, in the order (names…, pk)."""
    step = "gt" if forwards else "lt"
    keys = [*names, "pk"]
    values = (*values, pk)
    condition = Q()
    for i, name in enumerate(keys):
        equal_before = {keys[j]: values[j] for j in range(i)}
        condition |= Q(**equal_before, **{f"{name}__{step}": values[i]})
    # The first key's bound on its own lets the database start its index range there.
    return Q(**{f"{names[0]}__{step}e": values[0]}) & condition


def ordered_page(
    rows: QuerySet, *, keys: dict[str, Any], size: int, after: str | None = None, before: str | None = None
) -> OrderedPage:
    """One page of `rows` in ascending order of `keys` (name -> expression), then the primary key.

    A cursor names only the row at the page's edge (its primary key, encoded): the key values, which may be
    a patient's name, are read back from the database and never written into a link.
    """
    names = list(keys)
    ordered = rows.alias(**keys)
    cursor = after or before
    if cursor:
        pk = _decode_row(cursor)
        edge = rows.filter(pk=pk).annotate(**keys).values_list(*names).first()
        if edge is None:
            raise BadCursor("The list has changed since this page link was made; start again from the first page.")
        forwards = bool(after)
        ordered = ordered.filter(_beyond(names, edge, pk, forwards=forwards))
        if not forwards:
            found = list(ordered.order_by(*[f"-{n}" for n in names], "-pk")[: size + 1])
            items = list(reversed(found[:size]))
            return OrderedPage(
                items,
                after=_encode_row(items[-1].pk) if items else None,
                before=_encode_row(items[0].pk) if items and len(found) > size else None,
            )
    found = list(ordered.order_by(*names, "pk")[: size + 1])
    items = found[:size]
    return OrderedPage(
        items,
        after=_encode_row(items[-1].pk) if len(found) > size else None,
        before=_encode_row(items[0].pk) if cursor and items else None,
    )
