"""Reads that may come from a PostgreSQL read replica: reports and exports (docs/postgresql.md).

With REPLICA_DATABASE_URL set, settings add a "replica" database and this router. Code that reads a lot and may
lag a few seconds behind (a CSV export, a report) asks for it explicitly with `read_alias()` or inside
`reading_from_replica()`; everything else, and every write, stays on the primary. Without a replica both fall
back to the primary, so the same code runs on a laptop with SQLite.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("knotwork_reading_from_replica", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """The database a report or an export reads from: the replica when there is one."""
    return REPLICA if has_replica() else "default"


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Inside this block, reads the router is asked about go to the replica (writes never do)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Reads inside `reading_from_replica()` go to the replica; writes, relations and migrations to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading.get() and has_replica() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy: every row may point at every other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary through replication, never through migrate
