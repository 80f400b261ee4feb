"""Every `manage.py` command line that README.md and docs/ show runs as written on a checkout set up by `make run`.

The commands are read from the documents when the suite runs, so a command added to the docs is tested without
touching this file. Each runs in its own process, with nothing exported: the only configuration is the
`local.env` that `make local-env` (the step `make run` takes) writes into a scratch var directory, beside a copy of
one SQLite database migrated once for the session.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# Under `make test` (pytest-xdist) these share one worker, so the database is migrated once. The commands run with
# nothing exported, on the SQLite database of their own checkout, whatever DATABASE_URL the suite has: the
# PostgreSQL repeat of the suite would run the very same processes again, so it leaves them to the SQLite run.
pytestmark = [
    pytest.mark.xdist_group("documented-commands"),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="engine-independent: the commands use their own SQLite checkout; run by the SQLite suite",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

# A command line as a document writes it: perhaps variables for the shell, the interpreter (or none), then manage.py
# and the command.
COMMAND_START = re.compile(r"^(?:[A-Z_]+=\S*\s+)*(?:\.venv/bin/python3?\s+|python3?\s+|\./)?manage\.py\s+\S")
# In prose, only a whole command line is one to run; a bare `manage.py flush` names a command, it does not show one.
INLINE_COMMAND_START = re.compile(r"^(?:[A-Z_]+=\S*\s+)*(?:\.venv/bin/python3?|python3?)\s+manage\.py\s+\S")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
# An upper-case word (optionally "WORD...") in a command is a placeholder for the reader to fill in.
PLACEHOLDER = re.compile(r"(?<![\w$-])[A-Z][A-Z0-9_]*[A-Z0-9](?:\.\.\.)?(?![\w-])")

# What the test writes for each placeholder the documents use. A command with a placeholder missing here fails,
# naming it: add a value that makes the command do its ordinary job.
PLACEHOLDERS = {
    "REGION...": "right-calf right-heel",
    "REGION": "right-calf",
    "INSTRUMENT": "nprs",
    "ANSWER...": "6",
    "NAME": '"Lakeside Myotherapy"',
    "CLINIC": '"Lakeside Myotherapy"',
    "EMAIL": "owner@lakeside.example.org",
    "N": "3",
    # A release of the ICD-10-CM set to check or install: the one Knotwork ships (docs/codes.md).
    "FILE": str(ROOT / "knotwork" / "assessment" / "data" / "icd10.yaml"),
    "DIR": "var/evidence-export",
}
# Upper-case words that are literal parts of a command, not placeholders.
# (M54 and M79 begin ICD-10-CM codes such as M54.5, not placeholders.)
NOT_PLACEHOLDERS = {"PATH", "HOME", "DEBUG", "SECRET_KEY", "DATABASE_URL", "TASKS_BACKEND", "M54", "M79"}

# Commands that cannot run in a test, each with its reason, keyed by what follows `manage.py` (the command's name, or
# its name and first arguments).
SKIPPED = {
    # Servers: they run until stopped. `make run` starts both; the browser tests exercise what they serve.
    "runserver": "serves until stopped",
    "db_worker": "the task worker runs until stopped; tasks are tested in-process with the immediate backend",
    # Deployment only: it checks a production configuration (DEBUG off, SMTP, HTTPS), which a development checkout
    # rightly fails; knotwork/core/tests/test_views.py runs it with production settings.
    "check --deploy": "checks the production configuration that the README's deployment section exports",
    # It restores a backup file that an earlier step made; knotwork/core/tests/test_backup.py backs up and restores.
    "restore": "needs a backup made beforehand; the restore drill in knotwork/core/tests/test_backup.py runs it",
    # It fills an empty database only, and the documents' database holds the clinic CLINIC names;
    # knotwork/demo/tests/test_generate.py runs it on an empty one (and its refusal of one that is not).
    "generate_clinic_group": "needs an empty database; knotwork/demo/tests/test_generate.py runs it",
    # It acts as the clinic's owner, and the documents' clinic has only an invited one; the import tests run it.
    "import_patients": "needs a clinic whose owner has accepted the invitation; knotwork/imports/tests runs it",
    # It reads the clinic's licensed wording file, which no checkout has; knotwork/fhir/tests runs it on a sample.
    "import_questionnaire": "needs a licensed Questionnaire file; knotwork/fhir/tests runs it",
}

TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Documented:
    where: str  # "docs/atlas.md:60"
    line: str  # the command line as the document shows it

    @property
    def arguments(self) -> list[str]:
        """The words after `manage.py`: the command's name and its arguments."""
        words = shlex.split(self.line, comments=True)
        return next(words[i + 1 :] for i, word in enumerate(words) if word.endswith("manage.py"))

    @property
    def name(self) -> str:
        return self.arguments[0]

    @property
    def skipped(self) -> str | None:
        for key, reason in SKIPPED.items():
            if self.arguments[: len(key.split())] == key.split():
                return f"{key}: {reason}"
        return None


def _command_lines(text: str) -> list[tuple[int, str]]:
    """Command lines in fenced blocks (continuations joined) and inline code spans that are whole command lines."""
    found = []
    in_fence = False
    pending = ""
    pending_number = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if FENCE.match(raw):
            in_fence = not in_fence
            pending = ""
            continue
        if in_fence:
            line = raw.strip()
            if pending:
                line = f"{pending} {line}"
                number = pending_number
                pending = ""
            if line.endswith("\\"):
                pending, pending_number = line[:-1].rstrip(), number
                continue
            if COMMAND_START.match(line):
                found.append((number, line))
        else:
            for span in INLINE_CODE.findall(raw):
                # In prose, `[--json]` marks an optional argument.
                span = re.sub(r"\s*\[[^\]]*\]", "", span).strip()
                if INLINE_COMMAND_START.match(span):
                    found.append((number, span))
    return found


def documented_commands() -> list[Documented]:
    commands: dict[str, Documented] = {}
    for document in DOCUMENTS:
        for number, line in _command_lines(document.read_text(encoding="utf-8")):
            line = re.sub(r"\s*&\s*(#.*)?$", "", line)  # started in the background in the document
            commands.setdefault(line, Documented(f"{document.relative_to(ROOT)}:{number}", line))
    return list(commands.values())


COMMANDS = documented_commands()


def fill_placeholders(line: str) -> str:
    code = line.partition(" #")[0]

    def value(match: re.Match) -> str:
        word = match.group(0)
        if word in NOT_PLACEHOLDERS:
            return word
        if word not in PLACEHOLDERS:
            pytest.fail(f"{line!r} has the placeholder {word}: give it a value in PLACEHOLDERS")
        return PLACEHOLDERS[word]

    # Quoted text ("Lakeside Myotherapy") is literal; placeholders stand outside quotes.
    parts = re.split(r"(\"[^\"]*\"|'[^']*')", code)
    filled = "".join(part if part[:1] in {'"', "'"} else PLACEHOLDER.sub(value, part) for part in parts)
    # A block may show a bare `manage.py ...`: run it through the checkout's interpreter.
    return re.sub(r"^((?:[A-Z_]+=\S*\s+)*)manage\.py\b", r"\1python manage.py", filled)


def _base_env(var_dir: Path, bin_dir: Path) -> dict[str, str]:
    # Nothing exported but what any shell has: no DEBUG, no SECRET_KEY, no settings module, no database URL.
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}", "KNOTWORK_VAR_DIR": str(var_dir)}
    for name in ("HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


@pytest.fixture(scope="session")
def checkout(tmp_path_factory):
    """A `make run`-style set-up: local.env written by the Makefile, the database migrated once; `python` on PATH."""
    base = tmp_path_factory.mktemp("documented-commands")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    for name in ("python", "python3"):
        # A wrapper, not a symlink: the interpreter finds its virtual environment from the path it was started by.
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        (bin_dir / name).chmod(0o755)
    var_dir = base / "var"
    env = _base_env(var_dir, bin_dir)
    made = subprocess.run(
        ["make", "--no-print-directory", "-s", "local-env"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_SECONDS,
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    # The clinic the documents' CLINIC stands for, as a clinic set up by `manage.py create_clinic` has it.
    clinic = subprocess.run(
        [sys.executable, "manage.py", "create_clinic", "Lakeside Myotherapy", "--owner", PLACEHOLDERS["EMAIL"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_SECONDS,
    )
    assert clinic.returncode == 0, clinic.stdout + clinic.stderr
    return var_dir, bin_dir


def test_the_documents_show_commands():
    # Guards the extraction itself: README and docs/ do show these, so finding none means the parser broke.
    names = {command.name for command in COMMANDS}
    assert {"atlas", "outcomes", "create_clinic"} <= names, names


def test_a_fresh_checkout_refuses_to_start_without_the_local_file_or_a_secret_key(tmp_path):
    env = _base_env(tmp_path, tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
    assert "make run" in result.stderr


def test_make_writes_the_local_file_once_readable_by_its_owner_only(tmp_path):
    env = _base_env(tmp_path, tmp_path)
    local = tmp_path / "local.env"
    subprocess.run(["make", "-s", "local-env"], cwd=ROOT, env=env, capture_output=True, check=True)
    first = local.read_text()
    subprocess.run(["make", "-s", "local-env"], cwd=ROOT, env=env, capture_output=True, check=True)
    assert local.read_text() == first  # never overwritten: sessions signed with the key survive
    assert "DEBUG=1" in first
    key = re.search(r"^SECRET_KEY=(\S+)$", first, re.MULTILINE).group(1)
    assert len(key) >= 50
    assert local.stat().st_mode & 0o077 == 0


def test_the_environment_wins_over_the_local_file(checkout):
    var_dir, bin_dir = checkout
    env = {**_base_env(var_dir, bin_dir), "DEBUG": "0", "ALLOWED_HOSTS": "clinic.example.org"}
    script = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.where} {c.line}" for c in COMMANDS])
def test_documented_command_runs_as_written(command, checkout, tmp_path):
    if command.skipped:
        pytest.skip(command.skipped)
    var_dir, bin_dir = checkout
    # A copy of the migrated database per command, so a command that writes cannot change the next one's result.
    scratch = tmp_path / "var"
    scratch.mkdir()
    for path in var_dir.glob("knotwork.sqlite3*"):
        shutil.copy2(path, scratch / path.name)
    shutil.copy2(var_dir / "local.env", scratch / "local.env")
    # The command runs from a directory that looks like the checkout, so any file it writes stays in the scratch.
    cwd = tmp_path / "checkout"
    cwd.mkdir()
    (cwd / "manage.py").symlink_to(ROOT / "manage.py")
    (cwd / ".venv").symlink_to(ROOT / ".venv")
    line = fill_placeholders(command.line)
    result = subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        env=_base_env(scratch, bin_dir),
        stdin=subprocess.DEVNULL,  # a command that asks a question fails instead of waiting
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_SECONDS,
    )
    output = f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    assert result.returncode == 0, f"{command.where}: `{command.line}` exited {result.returncode}\n{output}"
