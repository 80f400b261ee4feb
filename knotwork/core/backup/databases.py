"""The database side of backups: a consistent copy or dump, its restore, and per-table row counts and checksums."""

import dataclasses
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from knotwork.core.backup import BackupError

# Tables that `migrate` fills by itself: rows there do not mean the database holds anyone's data.
MIGRATE_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})

# Row text on PostgreSQL depends on these session settings; fixing them makes a checksum mean the same on any server.
_POSTGRESQL_SESSION = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)
# Libpq reads these from the environment, so connection settings (the password above all) never reach a command line.
# Libpq reads these from the environment, so connection settings (the password above all) never reach a command line.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


@dataclasses.dataclass(frozen=True)
class TableStats:
    rows: int
    checksum: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _add_row(total: int, text: bytes) -> int:
    # A sum of row hashes does not depend on the order rows come back in, and needs no memory per row.
    return (total + int.from_bytes(hashlib.sha256(text).digest())) % (1 << 256)


_SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name"


def sqlite_table_stats(database: str | Path) -> dict[str, TableStats]:
    """Row count and checksum of every table of a SQLite database, read through a plain connection of our own."""
    stats = {}
    with closing(sqlite3.connect(database, uri=isinstance(database, str))) as conn:
        conn.text_factory = bytes  # text exactly as stored, NUL bytes and all
        tables = [row[0].decode() for row in conn.execute(_SQLITE_TABLES)]
        for table in tables:
            rows, total = 0, 0
            for row in conn.execute(f"SELECT * FROM {_quote(table)}"):  # noqa: S608 (a name from the catalogue, quoted)
                rows += 1
                total = _add_row(total, repr(row).encode())
            stats[table] = TableStats(rows, f"{total:064x}")
    return stats


def copy_sqlite(database: str, target: Path) -> None:
    """Copy a live SQLite database with the online backup API: one consistent snapshot, writers never blocked (WAL)."""
    if not database.startswith("file:") and not Path(database).is_file():
        raise BackupError(f"There is no SQLite database at {database}.")
    try:
        with closing(sqlite3.connect(database, uri=True)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite database could not be copied: {error}.") from error


def restore_sqlite(dump: Path, database: str) -> None:
    """Write a backed-up SQLite database over the configured one, page by page, under SQLite's own locks."""
    try:
        with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(database, uri=True)) as target:
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite database at {database} could not be replaced: {error}.") from error


def postgresql_table_stats(cursor: Any) -> dict[str, TableStats]:
    """Row count and checksum of every table, computed by the server; the cursor must be inside a transaction."""
    for statement in _POSTGRESQL_SESSION:
        cursor.execute(statement)
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_catalog.pg_tables "
        "WHERE schemaname <> 'information_schema' AND left(schemaname, 3) <> 'pg_' ORDER BY 1, 2"
    )
    stats = {}
    for schema, table in cursor.fetchall():
        # Two 64-bit halves of each row's MD5, summed: order-free like the SQLite checksum, and done in one pass.
        source = f"{_quote(schema)}.{_quote(table)}"
        cursor.execute(
            "SELECT count(*), "  # noqa: S608 (catalogue names, quoted)
            "coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0), "
            "coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0) "
            f"FROM (SELECT md5(t::text) AS h FROM {source} AS t) AS hashed"
        )
        rows, low, high = cursor.fetchone()
        name = table if schema == "public" else f"{schema}.{table}"
        stats[name] = TableStats(int(rows), hashlib.sha256(f"{low}:{high}".encode()).hexdigest())
    return stats


def tables_with_rows(cursor: Any, tables: Iterable[str]) -> list[str]:
    """The tables that hold at least one row, leaving out those `migrate` fills by itself and SQLite's own
    (`sqlite_stat1`, which ANALYZE writes, holds statistics, not data)."""
    found = []
    for table in sorted(tables):
        if table in MIGRATE_TABLES or table.startswith("sqlite_"):
            continue
        cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")  # noqa: S608 (a name from the catalogue, quoted)
        if cursor.fetchone() is not None:
            found.append(table)
    return found


def find_client(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} is not on PATH. Install the PostgreSQL client programs, of the server's major version or "
            "newer (Debian: apt install postgresql-client), and run this again."
        )
    return path


def postgresql_environment(settings_dict: Mapping[str, Any], base: Mapping[str, str]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection settings as PG* variables, never as arguments."""
    env = dict(base)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("NAME"):
        env["PGDATABASE"] = str(settings_dict["NAME"])
    for option, variable in _LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def _run_client(arguments: list[str], env: Mapping[str, str]) -> None:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed program)
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-6:])
        raise BackupError(f"{Path(arguments[0]).name} failed (exit status {result.returncode}):\n{detail}")


def dump_postgresql(raw_connection: Any, settings_dict: Mapping[str, Any], target: Path) -> dict[str, TableStats]:
    """Dump with pg_dump and count the rows in the same snapshot, so the manifest describes exactly this dump.

    `raw_connection` is a DB-API connection in autocommit mode of its own, not one a caller has a transaction on.
    """
    pg_dump = find_client("pg_dump")
    with raw_connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            env = postgresql_environment(settings_dict, os.environ)
            _run_client(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"], env
            )
            return postgresql_table_stats(cursor)
        finally:
            cursor.execute("ROLLBACK")


def restore_postgresql(dump: Path, settings_dict: Mapping[str, Any]) -> None:
    """Replace the configured database's objects with the dump's, in one transaction: all of it or nothing."""
    pg_restore = find_client("pg_restore")
    env = postgresql_environment(settings_dict, os.environ)
    arguments = [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run_client([*arguments, "--no-password", f"--dbname={settings_dict['NAME']}", str(dump)], env)


def compare_tables(expected: Mapping[str, TableStats], found: Mapping[str, TableStats]) -> list[str]:
    """What differs between the manifest's tables and the restored database's, one line per table."""
    problems = []
    for table, want in sorted(expected.items()):
        got = found.get(table)
        if got is None:
            problems.append(f"{table}: missing from the restored database")
        elif got.rows != want.rows:
            problems.append(f"{table}: {got.rows} rows restored, the backup holds {want.rows}")
        elif got.checksum != want.checksum:
            problems.append(f"{table}: {got.rows} rows as in the backup, but their contents differ")
    return problems
