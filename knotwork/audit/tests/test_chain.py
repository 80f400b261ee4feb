"""The hash chain: every entry, however written, follows the one before it; tampering is found by a command."""

import importlib
import itertools
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from knotwork.audit import chain
from knotwork.audit.actors import RequestContext, request_context
from knotwork.audit.models import AuditEntry, content_of
from knotwork.audit.selectors import verify_chain
from knotwork.audit.services import record_view, record_views
from knotwork.patients.tests.factories import PatientFactory


def _verify() -> str:
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

    call_command("verify_audit_trail", stdout=Sink())
    return "".join(out)


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_entries_written_one_by_one_and_in_bulk_form_one_chain_per_clinic(
    practitioner, practitioner_b, clinic_a, clinic_b
):
    mine = PatientFactory.create_batch(3, clinic=clinic_a)
    theirs = PatientFactory(clinic=clinic_b)
    record_views(instances=mine, by=practitioner)
    record_view(instance=theirs, by=practitioner_b)
    record_view(instance=mine[0], by=practitioner)
    for clinic in (clinic_a, clinic_b):
        entries = list(AuditEntry.objects.filter(clinic=clinic).order_by("pk"))
        assert entries[0].prev_hash == chain.GENESIS
        for before, after in itertools.pairwise(entries):
            assert after.prev_hash == before.entry_hash
    assert _verify() == f"Audit trail intact, {AuditEntry.objects.count()} entries.\n"


def test_an_entry_changed_behind_knotworks_back_is_found(practitioner, clinic_a):
    patients = PatientFactory.create_batch(3, clinic=clinic_a)
    record_views(instances=patients, by=practitioner)
    altered = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).order_by("pk")[1]
    _sql("UPDATE audit_auditentry SET actor_email = %s WHERE id = %s", ["someone.else@example.com", altered.pk])
    with pytest.raises(CommandError, match=rf"broken at entry #{altered.pk} .*changed after it was written"):
        _verify()


def test_an_entry_removed_behind_knotworks_back_is_found_at_the_next(practitioner, clinic_a):
    patients = PatientFactory.create_batch(3, clinic=clinic_a)
    record_views(instances=patients, by=practitioner)
    removed, following = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).order_by("pk")[:2]
    _sql("DELETE FROM audit_auditentry WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError, match=rf"broken at entry #{following.pk} .*an entry before it was removed"):
        _verify()


def test_a_rehashed_entry_still_breaks_the_link_to_the_next(practitioner, clinic_a):
    patients = PatientFactory.create_batch(2, clinic=clinic_a)
    record_views(instances=patients, by=practitioner)
    first, second = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).order_by("pk")
    first.object_repr = "Someone, Else (T-99999)"
    forged = chain.entry_hash(first.prev_hash, content_of(first))
    _sql(
        "UPDATE audit_auditentry SET object_repr = %s, entry_hash = %s WHERE id = %s",
        [first.object_repr, forged, first.pk],
    )
    report = verify_chain()
    assert report.first_break is not None
    assert report.first_break.entry_id == second.pk


def test_what_an_entry_says_reads_back_to_the_same_hash(practitioner, clinic_a, client):
    """Addresses, non-ASCII text and change lists hash the same before and after the database round trip."""
    patient = PatientFactory(clinic=clinic_a, first_name="Zoë", last_name="Ünal-O'Brien")
    client.force_login(practitioner)
    client.get(patient.get_absolute_url(), REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")
    patient.city = "Kraków"
    patient.save()
    assert verify_chain().first_break is None
    assert AuditEntry.objects.filter(remote_addr__isnull=False).exists()


def test_the_upgrade_chains_the_entries_written_before_it(practitioner, clinic_a, clinic_b):
    PatientFactory(clinic=clinic_a)
    record_view(instance=PatientFactory(clinic=clinic_b), by=practitioner)
    _sql("UPDATE audit_auditentry SET prev_hash = '', entry_hash = '', actor_kind = '', actor_label = ''")
    assert verify_chain().first_break is not None
    migration = importlib.import_module("knotwork.audit.migrations.0002_actor_kind_and_hash_chain")

    migration.name_actors_and_chain(apps, SimpleNamespace(connection=connection))
    assert verify_chain().first_break is None
    kinds = set(AuditEntry.objects.values_list("actor_kind", "actor_label"))
    assert kinds == {("system", "system"), ("staff", practitioner.email)}


@pytest.mark.parametrize("address", ["", "unix:", "not an address"])
def test_a_request_without_a_usable_address_is_recorded_without_one(practitioner, clinic_a, address):
    """A server on a unix socket, or a proxy writing nonsense, gives no address: record none, raise no alarm."""
    patient = PatientFactory(clinic=clinic_a)
    with request_context(RequestContext(user=practitioner, remote_addr=address)):
        record_view(instance=patient, by=practitioner)
    assert AuditEntry.objects.get(action=AuditEntry.Action.ACCESS).remote_addr is None
    assert verify_chain().first_break is None
