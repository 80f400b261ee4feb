"""Restore a backup made by `manage.py backup`: the database and the stored documents, checked against its manifest."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from knotwork.core import backup
from knotwork.core.backup import BackupError, archive, crypto, databases
from knotwork.core.backup.archive import Manifest


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database and document storage, then "
        "check every table's row count and checksum against the backup. Stop the web server and the worker first."
    )

    # The model checks open a database connection first, which would turn "cannot open the database" into a
    # traceback; these commands report that themselves, and they check no models.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (.tar.gz, or .tar.gz.enc when it is encrypted)")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask before replacing a database that already holds data",
        )
        parser.add_argument(
            "--key-file",
            "--decrypt-key-file",
            dest="key_file",
            help="the file holding the key the backup was encrypted with; BACKUP_KEY in the environment does the same",
        )

    def handle(self, *args, file: str, interactive: bool, key_file: str | None, **options):
        path = Path(file).expanduser()
        if not path.is_file():
            raise CommandError(f"There is no backup file at {path}.")
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            engine = backup.engine_of(connection.settings_dict)
            # Unpacked into a private folder (mode 700) and checked whole before the database is touched.
            with tempfile.TemporaryDirectory(prefix="knotwork-restore-") as work:
                manifest = self._unpack(path, Path(work), key_file)
                self._check_fits(manifest, engine)
                self._confirm(connection, manifest, interactive=interactive)
                problems = self._restore(connection, engine, manifest, Path(work) / "unpacked")
        except BackupError as error:
            raise CommandError(str(error)) from error
        except (DatabaseError, connection.Database.Error) as error:
            # The driver's own errors too: pg_dump's snapshot runs on the driver's connection, not Django's.
            raise CommandError(f"The database could not be read or written: {error}".strip()) from error
        if problems:
            raise CommandError(
                "The restore ran, but the restored data does not match the backup's manifest:\n  "
                + "\n  ".join(problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup made {manifest.created_at}: {len(manifest.tables)} tables and "
                f"{manifest.total_rows:,} rows, each table's row count and checksum as in the backup, and "
                f"{len(manifest.media)} stored files."
            )
        )

    def _unpack(self, path: Path, work: Path, key_file: str | None) -> Manifest:
        tarball = path
        try:
            if crypto.is_encrypted(path):
                key = crypto.load_key(key_file, os.environ)
                if key is None:
                    raise BackupError(
                        f"{path} is encrypted: give its key with --key-file FILE or BACKUP_KEY in the environment."
                    )
                tarball = work / "backup.tar.gz"
                crypto.decrypt_file(path, tarball, key)
        except OSError as error:
            raise BackupError(f"{path} could not be read or decrypted: {error}.") from error
        return archive.read_archive(tarball, work / "unpacked")

    def _check_fits(self, manifest: Manifest, engine: str) -> None:
        if manifest.engine != engine:
            raise BackupError(
                f"This backup holds a {backup.ENGINE_LABELS[manifest.engine]} database and this installation uses "
                f"{backup.ENGINE_LABELS[engine]}: restore it into an installation on "
                f"{backup.ENGINE_LABELS[manifest.engine]}."
            )
        current = backup.knotwork_version()
        if manifest.knotwork_version != current:
            self.stdout.write(
                self.style.WARNING(
                    f"This backup was made by Knotwork {manifest.knotwork_version}; this is Knotwork {current}. "
                    "After the restore, run `manage.py migrate` to bring the database up to this version."
                )
            )

    def _confirm(self, connection: BaseDatabaseWrapper, manifest: Manifest, *, interactive: bool) -> None:
        if connection.in_atomic_block:
            raise BackupError("A restore cannot run inside a database transaction; run it on its own.")
        with connection.cursor() as cursor:
            holding = databases.tables_with_rows(cursor, connection.introspection.table_names(cursor))
        connection.close()  # the restore replaces what this connection would have cached
        if not holding:
            return
        summary = f"The database holds data ({len(holding)} tables with rows)"
        if not interactive:
            self.stdout.write(f"{summary}; --noinput given, so the backup replaces it.")
            return
        question = (
            f"{summary}. Restoring replaces all of it with the backup made {manifest.created_at}.\n"
            "Type 'yes' to restore, anything else to stop: "
        )
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise BackupError("Restore cancelled; nothing was changed.")

    def _restore(self, connection: BaseDatabaseWrapper, engine: str, manifest: Manifest, unpacked: Path) -> list[str]:
        self.stdout.write(
            f"Restoring the {backup.ENGINE_LABELS[engine]} database ({len(manifest.tables)} tables, "
            f"{manifest.total_rows:,} rows) from the backup made {manifest.created_at}..."
        )
        dump = unpacked / manifest.database
        if engine == "sqlite":
            name = str(connection.settings_dict["NAME"])
            databases.restore_sqlite(dump, name)
            found = databases.sqlite_table_stats(name)
        else:
            databases.restore_postgresql(dump, connection.settings_dict)
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                found = databases.postgresql_table_stats(cursor)
        problems = databases.compare_tables(manifest.tables, found)
        if manifest.media:
            storage = archive.document_storage()
            if storage is None:
                problems.append(
                    f"the backup holds {len(manifest.media)} stored files, but this installation has no document "
                    "storage (MEDIA_ROOT) to put them in"
                )
            else:
                archive.restore_media(unpacked, manifest, storage)
                problems.extend(archive.compare_media(manifest, storage))
        return problems
