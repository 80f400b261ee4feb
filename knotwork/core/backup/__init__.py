"""Back up and restore a whole installation, its database and its stored documents, as one file.

The `backup` and `restore` commands are the only callers. Nothing here knows a clinical model: tables come from the
database's own catalogue, so a new app's tables are in the next backup without a change here.

A backup is a gzip-compressed tar holding the database (a copy made by SQLite's online backup API, or `pg_dump` in
custom format), the stored documents under `media/`, and `manifest.json` last: what made the backup, a SHA-256 of
every file in it, and per table the row count and a checksum of the rows, which a restore checks again. With a key,
the whole archive is sealed with AES-256-GCM, so a damaged or altered backup is refused rather than half restored.

`databases` copies and restores the database, `archive` writes and reads the file, `crypto` seals and opens it.
"""

from collections.abc import Mapping
from importlib import metadata
from typing import Any

DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator what happened and what to do."""


def knotwork_version() -> str:
    try:
        return metadata.version("knotwork")
    except metadata.PackageNotFoundError:
        return "unknown"


def engine_of(settings_dict: Mapping[str, Any]) -> str:
    """Name the engine of a Django database, or refuse one that backups do not cover."""
    engine = ENGINES.get(settings_dict["ENGINE"])
    if engine is None:
        raise BackupError(f"Backups cover SQLite and PostgreSQL; this database uses {settings_dict['ENGINE']}.")
    return engine
