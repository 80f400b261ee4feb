"""Backups restore: the drill backs up a demo clinic, restores it into an empty database and compares every table.

The drill restores in a separate process (`manage.py restore`, as an operator runs it) into a database of its own:
a new SQLite file, or a scratch PostgreSQL database when the suite runs on PostgreSQL. Every table's row count and
a checksum of its rows are computed here, independently of the code under test, on both sides.
"""

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from knotwork.core.backup import archive, crypto, databases

ROOT = Path(__file__).resolve().parents[3]
ON_SQLITE = connection.vendor == "sqlite"
ON_POSTGRESQL = connection.vendor == "postgresql"
sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="the SQLite drill; the PostgreSQL one runs instead")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="pg_dump and pg_restore are drilled when the suite runs on PostgreSQL "
    "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/knotwork, as the CI's second run does)",
)
# Backing up needs committed rows: SQLite's backup and pg_dump read the database, not this test's transaction.
committed = pytest.mark.django_db(transaction=True)

# Tables the demo fills; the drill proves they came back, so an empty restore cannot pass.
DEMO_TABLES = {
    "accounts_user",
    "clinics_clinic",
    "patients_patient",
    "assessment_examination",
    "treatment_clinicalnote",
    "scheduling_appointment",
    "followup_checkin",
    "audit_auditentry",
}


def _digest(rows: list[str]) -> tuple[int, str]:
    return len(rows), hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


def sqlite_tables(database: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its sorted rows, read through a plain connection."""
    with closing(sqlite3.connect(database, uri=True)) as conn:
        conn.text_factory = bytes
        names = [row[0].decode() for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name: _digest([repr(row) for row in conn.execute(f'SELECT * FROM "{name}"')])  # noqa: S608 (catalogue)
            for name in names
            if not name.startswith("sqlite_")
        }


def postgresql_tables(cursor) -> dict[str, tuple[int, str]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    found = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f'SELECT t::text FROM "{name}" AS t')  # noqa: S608 (a name from the catalogue)
        found[name] = _digest([row[0] for row in cursor.fetchall()])
    return found


def non_empty(tables: dict[str, tuple[int, str]]) -> set[str]:
    return {name for name, (rows, _) in tables.items() if rows}


@pytest.fixture
def demo_clinic():
    # The demo refuses to load without DEBUG, because its logins are published; here it is test data.
    with override_settings(DEBUG=True):
        call_command("load_demo_clinic", stdout=io.StringIO())


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "backup.key"
    path.write_text(crypto.generate_key() + "\n")
    return path


def _backup(folder: Path, *extra: str) -> Path:
    before = set(folder.iterdir()) if folder.exists() else set()
    call_command("backup", "--out", f"{folder}/", *extra, stdout=io.StringIO())
    (made,) = set(folder.iterdir()) - before
    return made


def _restore_process(backup_file: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_file), *extra],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _postgresql_url(settings_dict: dict, name: str) -> str:
    """The test database's server and credentials with another database name, for a restore in its own process."""
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    return f"postgres://{credentials}@{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/{name}"


def _clean_environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BACKUP_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**env, **overrides}


@sqlite_only
@committed
def test_restore_drill_sqlite_demo_clinic_comes_back_whole_into_an_empty_database(demo_clinic, tmp_path):
    backup_file = _backup(tmp_path / "backups")
    assert backup_file.name.startswith("knotwork-backup-")
    assert backup_file.name.endswith(".tar.gz")
    assert backup_file.stat().st_mode & 0o077 == 0  # patient data: readable by its owner only

    restored = tmp_path / "restored.sqlite3"
    assert not restored.exists()
    env = _clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="restore-drill-" + "k" * 50,
        DATABASE_URL=f"sqlite:///{restored}",
        KNOTWORK_VAR_DIR=str(tmp_path / "var"),
    )
    # No --noinput: an empty database is restored without a question (stdin is closed, so a question would fail).
    result = _restore_process(backup_file, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Type 'yes'" not in result.stdout
    assert "each table's row count and checksum as in the backup" in result.stdout

    source = sqlite_tables(connection.settings_dict["NAME"])
    after = sqlite_tables(str(restored))
    assert non_empty(source) >= DEMO_TABLES
    assert len(non_empty(source)) >= 30
    assert after == source


@postgresql_only
@committed
def test_restore_drill_postgresql_demo_clinic_comes_back_whole_into_an_empty_database(demo_clinic, tmp_path):
    backup_file = _backup(tmp_path / "backups")
    scratch = f"knotwork_restore_drill_{os.getpid()}"
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    restored = connection.copy()
    restored.settings_dict["NAME"] = scratch
    try:
        url = _postgresql_url(settings_dict, scratch)
        result = _restore_process(backup_file, _clean_environment(DATABASE_URL=url), "--noinput")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "each table's row count and checksum as in the backup" in result.stdout

        with connection.cursor() as cursor:
            source = postgresql_tables(cursor)
        with restored.cursor() as cursor:
            after = postgresql_tables(cursor)
        assert non_empty(source) >= DEMO_TABLES
        assert after == source
    finally:
        restored.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


@postgresql_only
@committed
def test_backup_on_postgresql_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match=r"pg_dump is not on PATH\. Install the PostgreSQL client programs"):
        call_command("backup", "--out", f"{tmp_path}/backups/")
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_pg_tools_get_the_password_through_the_environment_never_the_command_line(tmp_path, monkeypatch):
    calls = []

    def run(arguments, **kwargs):
        calls.append((arguments, kwargs["env"]))
        return subprocess.CompletedProcess(arguments, 0, "", "")

    monkeypatch.setattr(databases.shutil, "which", lambda program: f"/usr/bin/{program}")
    monkeypatch.setattr(databases.subprocess, "run", run)
    settings_dict = {
        "NAME": "knotwork",
        "USER": "clinic",
        "PASSWORD": "s3cret-pa55",
        "HOST": "db.internal",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    databases.restore_postgresql(tmp_path / "database.pgdump", settings_dict)
    ((arguments, env),) = calls
    assert not any("s3cret" in argument for argument in arguments)
    assert "--clean" in arguments
    assert "--no-owner" in arguments
    assert env["PGPASSWORD"] == "s3cret-pa55"
    assert (env["PGHOST"], env["PGPORT"]) == ("db.internal", "5433")
    assert (env["PGUSER"], env["PGDATABASE"]) == ("clinic", "knotwork")
    assert env["PGSSLMODE"] == "require"


@committed
def test_encrypted_backup_restores_with_its_key_and_reads_as_noise_without_it(owner, tmp_path, key_file):
    backup_file = _backup(tmp_path / "backups", "--encrypt-key-file", str(key_file))
    assert backup_file.name.endswith(".tar.gz.enc")
    sealed = backup_file.read_bytes()
    assert b"manifest.json" not in sealed
    assert owner.email.encode() not in sealed
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(sealed)

    User = get_user_model()
    User.objects.filter(pk=owner.pk).update(first_name="Changed after the backup")
    out = io.StringIO()
    call_command("restore", str(backup_file), "--noinput", "--key-file", str(key_file), stdout=out)
    assert "each table's row count and checksum as in the backup" in out.getvalue()
    assert User.objects.get(pk=owner.pk).first_name == owner.first_name


@committed
def test_backup_key_from_the_environment_encrypts_and_decrypts(owner, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_KEY", crypto.generate_key())
    backup_file = _backup(tmp_path / "backups")
    assert crypto.is_encrypted(backup_file)
    call_command("restore", str(backup_file), "--noinput", stdout=io.StringIO())


@committed
def test_restore_with_the_wrong_key_or_none_says_so_and_changes_nothing(owner, tmp_path, key_file):
    backup_file = _backup(tmp_path / "backups", "--encrypt-key-file", str(key_file))
    User = get_user_model()
    User.objects.filter(pk=owner.pk).update(first_name="Kept")
    other_key = tmp_path / "other.key"
    other_key.write_text(crypto.generate_key())

    with pytest.raises(CommandError, match="was encrypted with a different key"):
        call_command("restore", str(backup_file), "--noinput", "--key-file", str(other_key))
    with pytest.raises(CommandError, match="is encrypted: give its key with --key-file"):
        call_command("restore", str(backup_file), "--noinput")
    not_a_key = tmp_path / "not-a-key.txt"
    not_a_key.write_text("password123")
    with pytest.raises(CommandError, match=r"does not hold a backup key\. Make one with"):
        call_command("restore", str(backup_file), "--noinput", "--key-file", str(not_a_key))
    assert User.objects.get(pk=owner.pk).first_name == "Kept"


def test_generate_key_prints_a_new_key_each_time():
    first, second = io.StringIO(), io.StringIO()
    call_command("backup", "--generate-key", stdout=first, stderr=io.StringIO())
    call_command("backup", "--generate-key", stdout=second, stderr=io.StringIO())
    assert first.getvalue() != second.getvalue()
    assert len(crypto.parse_key(first.getvalue(), source="test")) == 32


@committed
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_damaged_backup_is_refused_before_the_database_is_touched(owner, tmp_path, key_file, encrypted):
    backup_file = _backup(tmp_path / "backups", *(["--key-file", str(key_file)] if encrypted else []))
    User = get_user_model()
    User.objects.filter(pk=owner.pk).update(first_name="Kept")
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup_file.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup_file), "--noinput", "--key-file", str(key_file))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(truncated), "--noinput", "--key-file", str(key_file))
    assert User.objects.get(pk=owner.pk).first_name == "Kept"


@pytest.mark.django_db
def test_a_file_that_is_no_backup_is_refused_plainly(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n")
    with pytest.raises(CommandError, match="is damaged or is not a Knotwork backup"):
        call_command("restore", str(notes), "--noinput")
    with pytest.raises(CommandError, match="There is no backup file at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--noinput")


def _rewrite_manifest(backup_file: Path, change) -> None:
    """Rewrite a backup with its manifest changed and every other file as it was."""
    members = []
    with tarfile.open(backup_file, "r:gz") as tar:
        for member in tar:
            members.append((member, tar.extractfile(member).read()))
    with tarfile.open(backup_file, "w:gz") as tar:
        for member, data in members:
            if member.name == archive.MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


@committed
def test_restore_reports_a_table_that_does_not_match_the_manifest(owner, tmp_path):
    backup_file = _backup(tmp_path / "backups")

    def one_more_user(manifest):
        manifest["tables"]["accounts_user"]["rows"] += 1

    _rewrite_manifest(backup_file, one_more_user)
    with pytest.raises(CommandError, match="does not match the backup's manifest") as failure:
        call_command("restore", str(backup_file), "--noinput", stdout=io.StringIO())
    assert "accounts_user: 1 rows restored, the backup holds 2" in str(failure.value)


@committed
def test_restore_reports_rows_whose_contents_differ_from_the_manifest(owner, tmp_path):
    backup_file = _backup(tmp_path / "backups")

    def other_checksum(manifest):
        manifest["tables"]["clinics_clinic"]["checksum"] = "0" * 64

    _rewrite_manifest(backup_file, other_checksum)
    with pytest.raises(CommandError, match="clinics_clinic: 1 rows as in the backup, but their contents differ"):
        call_command("restore", str(backup_file), "--noinput", stdout=io.StringIO())


@committed
def test_restore_asks_before_replacing_data_and_a_no_changes_nothing(owner, tmp_path, monkeypatch):
    backup_file = _backup(tmp_path / "backups")
    User = get_user_model()
    User.objects.filter(pk=owner.pk).update(first_name="Kept")
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")
    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed"):
        call_command("restore", str(backup_file), stdout=io.StringIO())
    assert "holds data" in questions[0]
    assert User.objects.get(pk=owner.pk).first_name == "Kept"


@committed
def test_restore_into_an_emptied_database_asks_nothing(owner, tmp_path, monkeypatch):
    backup_file = _backup(tmp_path / "backups")
    call_command("flush", "--noinput")
    User = get_user_model()
    assert not User.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics (SQLite keeps them in a table) are not data
    monkeypatch.setattr("builtins.input", lambda question: pytest.fail(f"asked {question!r}"))
    call_command("restore", str(backup_file), stdout=io.StringIO())
    assert User.objects.get(pk=owner.pk).email == owner.email


@committed
def test_retention_keeps_the_newest_backups_and_never_touches_other_files(owner, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [
        "knotwork-backup-20240101T020000Z.tar.gz",
        "knotwork-backup-20240102T020000Z.tar.gz.enc",
        "knotwork-backup-20240103T020000Z.tar.gz",
    ]
    others = ["notes.txt", "knotwork-backup-before-upgrade.tar.gz", "knotwork-backup-20240101T020000Z.tar.gz.bak"]
    for name in old + others:
        (folder / name).write_text("x")

    out = io.StringIO()
    call_command("backup", "--out", f"{folder}/", "--keep", "2", stdout=out)
    remaining = sorted(path.name for path in folder.iterdir())
    backups = [name for name in remaining if archive.BACKUP_NAME.match(name)]
    assert backups[0] == "knotwork-backup-20240103T020000Z.tar.gz"
    assert len(backups) == 2
    assert set(others) <= set(remaining)
    assert "Deleted 2 older backups beyond the newest 2" in out.getvalue()
    assert "knotwork-backup-20240101T020000Z.tar.gz" in out.getvalue()

    # BACKUP_RETENTION does the same when --keep is not given.
    (folder / backups[1]).rename(folder / "knotwork-backup-20240104T020000Z.tar.gz")
    monkeypatch.setenv("BACKUP_RETENTION", "1")
    call_command("backup", "--out", f"{folder}/", stdout=io.StringIO())
    assert len([path for path in folder.iterdir() if archive.BACKUP_NAME.match(path.name)]) == 1


@pytest.mark.parametrize(("arguments", "message"), [(["--keep", "0"], "Keep at least one backup"), ([], "--out")])
def test_backup_refuses_bad_arguments_plainly(tmp_path, arguments, message):
    out = ["--out", str(tmp_path / "b.tar.gz")] if arguments else []
    with pytest.raises(CommandError, match=message):
        call_command("backup", *out, *arguments)


@committed
def test_backup_never_overwrites_a_file(owner, tmp_path):
    existing = tmp_path / "knotwork.tar.gz"
    existing.write_text("the owner's file")
    with pytest.raises(CommandError, match="already exists; a backup never overwrites a file"):
        call_command("backup", "--out", str(existing))
    assert existing.read_text() == "the owner's file"


@committed
def test_stored_documents_are_backed_up_and_restored(owner, tmp_path, settings):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    (media / "documents" / "2026").mkdir(parents=True)
    (media / "documents" / "2026" / "referral.pdf").write_bytes(b"%PDF-1.7 referral letter")
    (media / "consent.png").write_bytes(b"\x89PNG signature")
    backup_file = _backup(tmp_path / "backups")
    with tarfile.open(backup_file, "r:gz") as tar:
        manifest = json.loads(tar.extractfile(archive.MANIFEST).read())
    assert [stored["name"] for stored in manifest["media"]] == ["consent.png", "documents/2026/referral.pdf"]

    (media / "documents" / "2026" / "referral.pdf").unlink()
    (media / "consent.png").write_bytes(b"overwritten")
    out = io.StringIO()
    call_command("restore", str(backup_file), "--noinput", stdout=out)
    assert (media / "documents" / "2026" / "referral.pdf").read_bytes() == b"%PDF-1.7 referral letter"
    assert (media / "consent.png").read_bytes() == b"\x89PNG signature"
    assert "and 2 stored files" in out.getvalue()


def test_without_a_media_root_nothing_from_the_working_folder_is_packed(settings):
    settings.MEDIA_ROOT = ""
    assert archive.document_storage() is None


def test_a_rotated_secret_key_still_accepts_what_the_old_key_signed(tmp_path):
    # docs/operations.md rotates SECRET_KEY by moving the old key to SECRET_KEY_FALLBACKS; sessions survive.
    old_key, new_key = "old-secret-" + "o" * 50, "new-secret-" + "n" * 50
    token = signing.dumps({"session": "still valid"}, key=old_key)
    script = f"from django.core import signing; print(signing.loads({token!r})['session'])"
    env = _clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=new_key,
        SECRET_KEY_FALLBACKS=f"{old_key}, another-retired-key-{'a' * 40}",
        KNOTWORK_VAR_DIR=str(tmp_path),
    )
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "still valid"

    env.pop("SECRET_KEY_FALLBACKS")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert "BadSignature" in result.stderr


@committed
def test_a_backup_that_fails_half_way_leaves_no_file_behind(owner, tmp_path, monkeypatch):
    def disk_full(target, **kwargs):
        target.write(b"half a backup")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive, "write_archive", disk_full)
    folder = tmp_path / "backups"
    with pytest.raises(CommandError, match=r"could not be written to .*No space left on device"):
        call_command("backup", "--out", f"{folder}/")
    assert list(folder.iterdir()) == []


@committed
def test_restore_into_a_database_that_cannot_be_opened_says_so_without_a_traceback(owner, tmp_path):
    backup_file = _backup(tmp_path / "backups")
    env = _clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="restore-test-" + "k" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path}/no-such-folder/knotwork.sqlite3",
        KNOTWORK_VAR_DIR=str(tmp_path / "var"),
    )
    reason = "unable to open database file"
    if ON_POSTGRESQL:
        env["DATABASE_URL"] = _postgresql_url(connection.settings_dict, "knotwork_no_such_database")
        reason = 'database "knotwork_no_such_database" does not exist'
    result = _restore_process(backup_file, env, "--noinput")
    assert result.returncode == 1
    assert "CommandError: The database could not be read or written:" in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
