"""Back up the database and the stored documents into one file: `manage.py backup --out var/backups/ --keep 14`."""

import datetime
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from knotwork.core import backup
from knotwork.core.backup import BackupError, archive, crypto, databases
from knotwork.core.backup.archive import Manifest
from knotwork.core.backup.databases import TableStats


class Command(BaseCommand):
    help = (
        "Back up the database and the stored documents into one file, encrypted when a key is given, and keep "
        "only the newest backups in its folder when asked. `manage.py restore FILE` puts it back."
    )

    # The model checks open a database connection first, which would turn "cannot open the database" into a
    # traceback; these commands report that themselves, and they check no models.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            help="the backup file to write, or a folder (ending in /) to write knotwork-backup-<UTC time>.tar.gz into",
        )
        parser.add_argument(
            "--encrypt-key-file",
            "--key-file",
            dest="key_file",
            help="encrypt with the key in this file (make one with --generate-key); BACKUP_KEY in the environment "
            "does the same",
        )
        parser.add_argument(
            "--keep",
            type=int,
            help="afterwards, delete all but the newest N backups in the output folder (default: BACKUP_RETENTION, "
            "else keep all); only files named knotwork-backup-<time>.tar.gz[.enc] are deleted",
        )
        parser.add_argument("--generate-key", action="store_true", help="print a new encryption key and stop")

    def handle(self, *args, out: str | None, key_file: str | None, keep: int | None, generate_key: bool, **options):
        if generate_key:
            self.stdout.write(crypto.generate_key())
            self.stderr.write(
                "Keep this key apart from the backups (a password manager, a safe): an encrypted backup cannot be "
                "restored without it, and anyone who holds both can read it."
            )
            return
        if not out:
            raise CommandError("Say where the backup goes: --out FILE, or --out FOLDER/ for a dated file name.")
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            keep = self._keep(keep)
            key = crypto.load_key(key_file, os.environ)
            engine = backup.engine_of(connection.settings_dict)
            now = datetime.datetime.now(datetime.UTC)
            target = self._target(out, now, encrypted=key is not None)
            manifest = self._write(connection, engine, target, key, now)
            pruned = archive.prune_backups(target.parent, keep) if keep else []
        except BackupError as error:
            raise CommandError(str(error)) from error
        except (DatabaseError, connection.Database.Error) as error:
            # The driver's own errors too: pg_dump's snapshot runs on the driver's connection, not Django's.
            raise CommandError(f"The database could not be read or written: {error}".strip()) from error
        size = target.stat().st_size / (1024 * 1024)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {backup.ENGINE_LABELS[engine]} database ({len(manifest.tables)} tables, "
                f"{manifest.total_rows:,} rows) and {len(manifest.media)} stored files to {target} "
                f"({size:.1f} MB, {'encrypted' if key else 'not encrypted'})."
            )
        )
        if pruned:
            self.stdout.write(f"Deleted {len(pruned)} older backups beyond the newest {keep}:")
            for path in pruned:
                self.stdout.write(f"  {path.name}")

    def _keep(self, keep: int | None) -> int | None:
        if keep is None:
            setting = getattr(settings, "BACKUP_RETENTION", None) or os.environ.get("BACKUP_RETENTION", "").strip()
            if not setting:
                return None
            try:
                keep = int(setting)
            except ValueError as error:
                raise BackupError(f"BACKUP_RETENTION must be a whole number of backups, not {setting!r}.") from error
        if keep < 1:
            raise BackupError("Keep at least one backup (--keep 1 or more).")
        return keep

    def _target(self, out: str, now: datetime.datetime, *, encrypted: bool) -> Path:
        path = Path(out).expanduser()
        if out.endswith(("/", os.sep)) or path.is_dir():
            path = path / archive.backup_name(now, encrypted=encrypted)
        path = path.absolute()
        if path.exists():
            raise BackupError(f"{path} already exists; a backup never overwrites a file.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise BackupError(f"The folder {path.parent} cannot be created ({error.strerror}).") from error
        return path

    def _write(
        self,
        connection: BaseDatabaseWrapper,
        engine: str,
        target: Path,
        key: bytes | None,
        now: datetime.datetime,
    ) -> Manifest:
        # The plain dump stays in this machine's temporary folder (TMPDIR, mode 700), never in the output folder,
        # which may be a network share; only the finished file, encrypted when a key is given, is written there.
        # Until it is complete it carries a leading dot, so retention never counts a half-written backup.
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tempfile.TemporaryDirectory(prefix="knotwork-backup-") as work:
                dump = Path(work) / backup.DUMP_NAMES[engine]
                tables = self._dump(connection, engine, dump)
                descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # patient data: owner only
                with os.fdopen(descriptor, "wb") as file:
                    sink = crypto.EncryptingWriter(file, key) if key else file
                    manifest = archive.write_archive(
                        sink,
                        engine=engine,
                        knotwork_version=backup.knotwork_version(),
                        created_at=now,
                        dump=dump,
                        tables=tables,
                        storage=archive.document_storage(),
                    )
                    if isinstance(sink, crypto.EncryptingWriter):
                        sink.seal()
                    file.flush()
                    os.fsync(file.fileno())
            os.replace(partial, target)
        except OSError as error:
            raise BackupError(f"The backup could not be written to {target.parent}: {error}.") from error
        finally:
            partial.unlink(missing_ok=True)
        return manifest

    def _dump(self, connection: BaseDatabaseWrapper, engine: str, dump: Path) -> dict[str, TableStats]:
        if engine == "sqlite":
            if connection.in_atomic_block:
                # SQLite's backup would wait forever for this process's own open write transaction.
                raise BackupError("A backup cannot run inside a database transaction; run it on its own.")
            databases.copy_sqlite(str(connection.settings_dict["NAME"]), dump)
            return databases.sqlite_table_stats(dump)
        # A connection of its own, so its snapshot transaction is independent of whatever this process is doing.
        own = connection.copy()
        try:
            own.ensure_connection()
            return databases.dump_postgresql(own.connection, own.settings_dict, dump)
        finally:
            own.close()
