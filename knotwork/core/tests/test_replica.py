"""The read-replica router: reports and exports may read from the replica; nothing else, and no write, does."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from knotwork.audit.models import AuditEntry
from knotwork.core.replica import REPLICA, ReplicaRouter, read_alias, reading_from_replica
from knotwork.patients.models import Patient


@pytest.fixture
def with_replica(monkeypatch):
    """A replica named in the settings (the router only asks whether there is one; nothing connects to it)."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, {"ENGINE": "django.db.backends.postgresql", "NAME": "replica"})


def test_without_a_replica_everything_stays_on_the_primary():
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(Patient) is None
    assert read_alias() == "default"


@pytest.mark.usefixtures("with_replica")
def test_reads_go_to_the_replica_only_inside_the_block_and_writes_never():
    router = ReplicaRouter()
    assert router.db_for_read(AuditEntry) is None
    with reading_from_replica():
        assert router.db_for_read(AuditEntry) == REPLICA
        assert router.db_for_write(AuditEntry) == "default"
    assert router.db_for_read(AuditEntry) is None
    assert read_alias() == REPLICA


@pytest.mark.usefixtures("with_replica")
def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "patients") is False
    assert router.allow_migrate("default", "patients") is True


def test_the_settings_add_the_replica_and_pgbouncer_mode_from_the_environment():
    code = (
        "import os, json; os.environ.update(DEBUG='1', SECRET_KEY='x'*50, PGBOUNCER='1', "
        "DATABASE_URL='postgres://u@127.0.0.1:5432/primary', REPLICA_DATABASE_URL='postgres://u@127.0.0.1:5433/copy'); "
        "from config import settings as s; "
        "print(json.dumps([s.DATABASE_ROUTERS, s.DATABASES['replica']['NAME'], "
        "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [["knotwork.core.replica.ReplicaRouter"], "copy", True]
