"""Back up and restore a whole installation, its database and its stored documents, as one file.

The `backup` and `restore` commands are the only callers. Nothing here knows a clinical model: tables come from the
database's own catalogue, so a new app's tables are in the next backup without a change here.

A backup is a gzip-compressed tar holding the database (a copy made by SQLite's online backup API, or `pg_dump` in
custom format), the stored documents under `media/`, and `manifest.json` last: what made the backup, a SHA-256 of
every file in it, and per table the row count and a checksum of the rows, which a restore checks again. With a key,
the whole archive is sealed with AES-256-GCM, so a damaged or altered backup is refused rather than half restored.
"""

import base64
import binascii
import dataclasses
import datetime
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import zlib
from collections.abc import Iterable, Mapping
from contextlib import closing
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

FORMAT = "knotwork-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Only files named like this are ever deleted by retention; a backup saved under another name is the owner's.
BACKUP_NAME = re.compile(r"^knotwork-backup-\d{8}T\d{6}Z\.tar\.gz(\.enc)?$")
# Tables that `migrate` fills by itself: rows there do not mean the database holds anyone's data.
MIGRATE_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})

_MAGIC = b"KWBKAES1"
_KEY_SIZE = 32
_KEY_ID_SIZE = 8
_NONCE_SIZE = 12
_TAG_SIZE = 16
_HEADER_SIZE = len(_MAGIC) + _KEY_ID_SIZE + _NONCE_SIZE
_CHUNK = 1024 * 1024

# Row text on PostgreSQL depends on these session settings; fixing them makes a checksum mean the same on any server.
_POSTGRESQL_SESSION = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)
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


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator what happened and what to do."""


class Storage(Protocol):
    """The part of Django's file storage API that backups use."""

    def listdir(self, path: str) -> tuple[list[str], list[str]]: ...
    def open(self, name: str, mode: str = "rb") -> Any: ...
    def size(self, name: str) -> int: ...
    def exists(self, name: str) -> bool: ...
    def delete(self, name: str) -> None: ...
    def save(self, name: str, content: Any) -> str: ...


@dataclasses.dataclass(frozen=True)
class TableStats:
    rows: int
    checksum: str


@dataclasses.dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


@dataclasses.dataclass(frozen=True)
class Manifest:
    engine: str
    knotwork_version: str
    created_at: str
    database_sha256: str
    tables: dict[str, TableStats]
    media: tuple[StoredFile, ...]

    @property
    def database(self) -> str:
        return DUMP_NAMES[self.engine]

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables.values())

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": self.engine,
            "knotwork_version": self.knotwork_version,
            "created_at": self.created_at,
            "database": {"name": self.database, "sha256": self.database_sha256},
            "tables": {name: dataclasses.asdict(stats) for name, stats in sorted(self.tables.items())},
            "media": [dataclasses.asdict(stored) for stored in self.media],
        }
        return json.dumps(data, indent=2).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("This is not a Knotwork backup (its manifest names another format).")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"This backup has format version {data.get('format_version')}; this Knotwork reads version "
                    f"{FORMAT_VERSION}. Restore it with the Knotwork version that made it "
                    f"({data.get('knotwork_version', 'unknown')})."
                )
            engine = data["engine"]
            if engine not in DUMP_NAMES or data["database"]["name"] != DUMP_NAMES[engine]:
                raise BackupError(f"This backup's manifest names an unknown database engine ({engine!r}).")
            media = tuple(StoredFile(str(f["name"]), int(f["size"]), str(f["sha256"])) for f in data["media"])
            for stored in media:
                _check_media_name(stored.name)
            return cls(
                engine=engine,
                knotwork_version=str(data["knotwork_version"]),
                created_at=str(data["created_at"]),
                database_sha256=str(data["database"]["sha256"]),
                tables={str(n): TableStats(int(t["rows"]), str(t["checksum"])) for n, t in data["tables"].items()},
                media=media,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"This backup's manifest is damaged ({error.__class__.__name__}).") from error


def knotwork_version() -> str:
    try:
        return metadata.version("knotwork")
    except metadata.PackageNotFoundError:
        return "unknown"


def document_storage() -> Storage | None:
    """Django's default storage when it holds this installation's documents; None when none is configured."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = settings.STORAGES.get("default", {}).get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
        if not location:
            # Without MEDIA_ROOT the storage would be the current folder, where nothing is a stored document.
            return None
    return storage


def engine_of(settings_dict: Mapping[str, Any]) -> str:
    """Name the engine of a Django database, or refuse one that backups do not cover."""
    engine = ENGINES.get(settings_dict["ENGINE"])
    if engine is None:
        raise BackupError(f"Backups cover SQLite and PostgreSQL; this database uses {settings_dict['ENGINE']}.")
    return engine


def backup_name(now: datetime.datetime, *, encrypted: bool) -> str:
    """The file name a backup gets in a folder; names sort oldest first, which retention relies on."""
    utc = now.astimezone(datetime.UTC)
    return f"knotwork-backup-{utc:%Y%m%dT%H%M%SZ}.tar.gz" + (".enc" if encrypted else "")


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups in `folder` beyond the newest `keep`; only files named as backups are touched."""
    if keep < 1:
        raise BackupError("Keep at least one backup (--keep 1 or more).")
    backups = sorted(path for path in folder.iterdir() if BACKUP_NAME.match(path.name) and path.is_file())
    doomed = backups[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


# --- keys and encryption ----------------------------------------------------------------------


def generate_key() -> str:
    """A new random 256-bit key, as text that fits a file or an environment variable."""
    return base64.urlsafe_b64encode(secrets.token_bytes(_KEY_SIZE)).decode("ascii")


def parse_key(text: str, *, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip().encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError):
        key = b""
    if len(key) != _KEY_SIZE:
        raise BackupError(f"{source} does not hold a backup key. Make one with `manage.py backup --generate-key`.")
    return key


def load_key(key_file: str | None, environ: Mapping[str, str]) -> bytes | None:
    """The key from a file when one is named, else from BACKUP_KEY in the environment; None when neither is set."""
    if key_file:
        try:
            text = Path(key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise BackupError(f"The key file {key_file} cannot be read ({error.__class__.__name__}).") from error
        return parse_key(text, source=f"The key file {key_file}")
    if environ.get("BACKUP_KEY", "").strip():
        return parse_key(environ["BACKUP_KEY"], source="BACKUP_KEY")
    return None


def _key_id(key: bytes) -> bytes:
    # Tells a wrong key from a damaged file without revealing anything about the key.
    return hmac.new(key, b"knotwork backup key id", hashlib.sha256).digest()[:_KEY_ID_SIZE]


class EncryptingWriter:
    """A write-only file that encrypts what it is given into `target`; `seal()` appends the authentication tag."""

    def __init__(self, target: BinaryIO, key: bytes) -> None:
        nonce = secrets.token_bytes(_NONCE_SIZE)
        header = _MAGIC + _key_id(key) + nonce
        self._target = target
        self._encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(header)
        target.write(header)

    def write(self, data: bytes) -> int:
        self._target.write(self._encryptor.update(data))
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def seal(self) -> None:
        self._target.write(self._encryptor.finalize())
        self._target.write(self._encryptor.tag)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(_MAGIC)) == _MAGIC


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    """Decrypt an encrypted backup into `target`; nothing in it is trusted until the tag has been checked."""
    size = source.stat().st_size
    with source.open("rb") as file:
        header = file.read(_HEADER_SIZE)
        if len(header) < _HEADER_SIZE or size < _HEADER_SIZE + _TAG_SIZE:
            raise BackupError(f"{source} is damaged: it is too short to be an encrypted backup.")
        if not hmac.compare_digest(header[len(_MAGIC) : len(_MAGIC) + _KEY_ID_SIZE], _key_id(key)):
            raise BackupError(f"{source} was encrypted with a different key; give the key that made it.")
        nonce = header[len(_MAGIC) + _KEY_ID_SIZE :]
        file.seek(size - _TAG_SIZE)
        tag = file.read(_TAG_SIZE)
        file.seek(_HEADER_SIZE)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        remaining = size - _HEADER_SIZE - _TAG_SIZE
        with target.open("xb") as out:
            while remaining:
                chunk = file.read(min(_CHUNK, remaining))
                remaining -= len(chunk)
                out.write(decryptor.update(chunk))
            try:
                out.write(decryptor.finalize())
            except InvalidTag as error:
                raise BackupError(f"{source} is damaged or was altered: it does not match its seal.") from error


# --- databases --------------------------------------------------------------------------------


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
    """The tables that hold at least one row, leaving out those `migrate` fills by itself."""
    found = []
    for table in sorted(tables):
        if table in MIGRATE_TABLES:
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


# --- the archive ------------------------------------------------------------------------------


def _check_media_name(name: str) -> None:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in {"", ".", ".."} for part in name.split("/")) or "\\" in name:
        raise BackupError(f"This backup names a stored file outside the storage ({name!r}); it is not restored.")


def storage_files(storage: Storage, folder: str = "") -> list[str]:
    """Every file name in a storage, folders walked in name order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in sorted(files)]
    for sub in sorted(folders):
        names.extend(storage_files(storage, f"{folder}/{sub}" if folder else sub))
    return names


class _HashingReader:
    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.hash.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, file: BinaryIO, size: int) -> str:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    reader = _HashingReader(file)
    try:
        tar.addfile(info, reader)
    except OSError as error:  # the file shrank while it was being read
        raise BackupError(f"{name} changed while it was being backed up; run the backup again.") from error
    return reader.hash.hexdigest()


def write_archive(
    target: BinaryIO,
    *,
    engine: str,
    knotwork_version: str,
    created_at: datetime.datetime,
    dump: Path,
    tables: dict[str, TableStats],
    storage: Storage | None,
) -> Manifest:
    """Stream the database dump, the stored files and then the manifest into `target` as a .tar.gz."""
    with tarfile.open(fileobj=target, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
        with dump.open("rb") as file:
            database_sha256 = _add(tar, DUMP_NAMES[engine], file, dump.stat().st_size)
        media = []
        for name in storage_files(storage) if storage is not None else []:
            size = storage.size(name)
            with storage.open(name, "rb") as file:
                media.append(StoredFile(name, size, _add(tar, f"{MEDIA_DIR}/{name}", file, size)))
        manifest = Manifest(
            engine=engine,
            knotwork_version=knotwork_version,
            created_at=created_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            database_sha256=database_sha256,
            tables=tables,
            media=tuple(media),
        )
        data = manifest.to_json()
        _add(tar, MANIFEST, io.BytesIO(data), len(data))
    return manifest


def read_archive(archive: Path, folder: Path) -> Manifest:
    """Unpack a backup into `folder`, checking every file against the manifest before anything is restored."""
    digests: dict[str, str] = {}
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise BackupError(f"{archive} holds an entry that no backup makes ({member.name!r}).")
                target = _unpacked_path(folder, member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                digest = hashlib.sha256()
                with target.open("xb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                digests[member.name] = digest.hexdigest()
    except (tarfile.TarError, zlib.error, EOFError, OSError) as error:
        raise BackupError(f"{archive} is damaged or is not a Knotwork backup ({error}).") from error
    if MANIFEST not in digests:
        raise BackupError(f"{archive} has no manifest: it is not a complete Knotwork backup.")
    manifest = Manifest.from_json((folder / MANIFEST).read_bytes())
    expected = {manifest.database: manifest.database_sha256}
    expected.update({f"{MEDIA_DIR}/{stored.name}": stored.sha256 for stored in manifest.media})
    found = {name: digest for name, digest in digests.items() if name != MANIFEST}
    if found != expected:
        damaged = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
        raise BackupError(f"{archive} is damaged: {', '.join(damaged)} does not match the manifest.")
    return manifest


def _unpacked_path(folder: Path, name: str) -> Path:
    if name == MANIFEST or name in DUMP_NAMES.values():
        return folder / name
    if name.startswith(f"{MEDIA_DIR}/"):
        _check_media_name(name.removeprefix(f"{MEDIA_DIR}/"))
        return folder / name
    raise BackupError(f"The backup holds a file that no backup makes ({name!r}).")


def restore_media(folder: Path, manifest: Manifest, storage: Storage) -> None:
    """Put every stored file of the backup back under its own name, replacing a file of that name."""
    for stored in manifest.media:
        if storage.exists(stored.name):
            storage.delete(stored.name)
        with (folder / MEDIA_DIR / stored.name).open("rb") as file:
            saved = storage.save(stored.name, file)
        if saved != stored.name:
            raise BackupError(f"The stored file {stored.name} was saved as {saved}; check the storage's settings.")


def compare_media(manifest: Manifest, storage: Storage) -> list[str]:
    problems = []
    for stored in manifest.media:
        digest = hashlib.sha256()
        try:
            with storage.open(stored.name, "rb") as file:
                while chunk := file.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            problems.append(f"stored file {stored.name}: missing after the restore")
            continue
        if digest.hexdigest() != stored.sha256:
            problems.append(f"stored file {stored.name}: its contents differ from the backup")
    return problems
