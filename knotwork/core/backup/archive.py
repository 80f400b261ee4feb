"""The backup file: a .tar.gz of the database dump, the stored documents and a manifest that describes them."""

import dataclasses
import datetime
import hashlib
import io
import json
import re
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from knotwork.core.backup import DUMP_NAMES, BackupError
from knotwork.core.backup.databases import TableStats

FORMAT = "knotwork-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
# Only files named like this are ever deleted by retention; a backup saved under another name is the owner's.
BACKUP_NAME = re.compile(r"^knotwork-backup-\d{8}T\d{6}Z\.tar\.gz(\.enc)?$")
_CHUNK = 1024 * 1024


class Storage(Protocol):
    """The part of Django's file storage API that backups use."""

    def listdir(self, path: str) -> tuple[list[str], list[str]]: ...
    def open(self, name: str, mode: str = "rb") -> Any: ...
    def size(self, name: str) -> int: ...
    def exists(self, name: str) -> bool: ...
    def delete(self, name: str) -> None: ...
    def save(self, name: str, content: Any) -> str: ...


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


def document_storage() -> Storage | None:
    """Django's default storage when it holds this installation's documents; None when none is configured."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = settings.STORAGES.get("default", {}).get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
        if not location:
            # Without MEDIA_ROOT the storage would be the current folder, where nothing is a stored document.
            return None
    return storage


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
