"""On PostgreSQL the database itself keeps the trail append-only, and concurrent writers keep one chain."""

import importlib
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from knotwork.audit.models import AuditEntry
from knotwork.audit.selectors import verify_chain
from knotwork.audit.services import record_view, record_views
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: the trigger is PL/pgSQL and SQLite lets one writer in at a time anyway "
    "(run with DATABASE_URL=postgres://…, as the CI does)",
)

TRIGGER = importlib.import_module("knotwork.audit.migrations.0003_append_only_trigger")


@pytest.fixture
def append_only(db):
    """The trigger of migration 0003 (the test database is built without migrations), for this test only."""
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER.FORWARD)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET object_repr = 'rewritten'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry CASCADE",
    ],
)
def test_the_database_refuses_to_change_delete_or_truncate_entries(append_only, practitioner, clinic_a, statement):
    record_view(instance=PatientFactory(clinic=clinic_a), by=practitioner)
    before = list(AuditEntry.objects.order_by("pk").values_list("pk", "object_repr"))
    with connection.cursor() as cursor:
        # Check the test's own inserts now: PostgreSQL refuses TRUNCATE while their checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(statement)
    assert list(AuditEntry.objects.order_by("pk").values_list("pk", "object_repr")) == before


def test_a_queryset_update_is_refused_too(append_only, practitioner, clinic_a):
    record_view(instance=PatientFactory(clinic=clinic_a), by=practitioner)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(actor_email="someone.else@example.com")
    assert not AuditEntry.objects.filter(actor_email="someone.else@example.com").exists()


def test_new_entries_are_still_written(append_only, practitioner, clinic_a):
    patients = PatientFactory.create_batch(2, clinic=clinic_a)
    record_views(instances=patients, by=practitioner)
    record_view(instance=patients[0], by=practitioner)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == 3


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_time_keep_one_unbroken_chain(practitioner, clinic_a):
    patients = PatientFactory.create_batch(4, clinic=clinic_a)
    start = threading.Barrier(4)
    errors = []

    def write(patient):
        try:
            start.wait()
            for _ in range(15):
                with transaction.atomic():
                    record_view(instance=patient, by=practitioner)
                    record_views(instances=patients[:2], by=practitioner)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(patient,)) for patient in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == 4 * 15 * 3
    report = verify_chain()
    assert report.first_break is None, report.first_break
