"""The audit trail's hash chain: each entry's hash covers its content and the hash of the entry before it.

Pure and Django-free, so the hash an entry gets when it is written and the hash `verify_audit_trail` recomputes
from the stored row come from one function. The format is versioned: a change here is a new version, never an
edit, or every trail written before it would read as tampered with.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

VERSION = 1
# The "previous hash" of the first entry of a chain.
GENESIS = "0" * 64


def canonical(value: Any) -> Any:
    """A value as it reads back from either database: datetimes in UTC to the microsecond, tuples as lists."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def entry_hash(previous: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous entry's hash and this entry's content, serialized one way only."""
    payload = {"v": VERSION, "previous": previous, "content": canonical(content)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
