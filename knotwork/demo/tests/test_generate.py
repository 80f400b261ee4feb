"""The scale generator: a small group, loaded through the models' constraints, usable by every main page."""

import random
import re
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from conftest import sign_in
from knotwork.accounts.models import User
from knotwork.audit.models import AuditEntry
from knotwork.clinics.models import Clinic
from knotwork.demo.generate import parents_first, surname
from knotwork.followup.models import CheckIn
from knotwork.patients.models import Patient
from knotwork.scheduling.models import Appointment
from knotwork.treatment.models import ClinicalNote, Hold, TreatmentSession

pytestmark = pytest.mark.django_db


def _generate(capsys, clinics=2, patients=24, seed=7) -> str:
    call_command("generate_clinic_group", "--clinics", str(clinics), "--patients", str(patients), "--seed", str(seed))
    return capsys.readouterr().out


def test_a_group_is_generated_with_a_history_and_the_largest_clinics_logins(capsys):
    out = _generate(capsys)
    assert Clinic.objects.count() == 2
    largest = Clinic.objects.order_by("pk").first()
    assert Patient.objects.filter(clinic=largest).count() > Patient.objects.exclude(clinic=largest).count()
    assert Patient.objects.count() == 24
    sessions = TreatmentSession.objects.count()
    assert sessions >= 24
    holds_per_session = Hold.objects.count() / sessions
    assert 10 <= holds_per_session <= 30
    assert Appointment.objects.filter(status="booked").exists()
    assert Appointment.objects.filter(status="attended", session__isnull=False).count() == sessions
    assert CheckIn.objects.filter(status="answered").exists()
    logins = re.findall(r"^login: (\S+)  password: (\S+)  \((owner|practitioner), Clinic 1 of the group\)$", out, re.M)
    assert {role for _, _, role in logins} == {"owner", "practitioner"}
    email, password, _ = next(login for login in logins if login[2] == "practitioner")
    assert User.objects.get(email=email).check_password(password)
    call_command("verify_audit_trail")
    assert "intact" in capsys.readouterr().out
    assert AuditEntry.objects.filter(clinic=largest).count() > sessions


def test_a_chunk_saves_parents_before_the_rows_that_point_at_them():
    """The order rows were made in is not the order they can be saved in (the 50,000-patient run met a booked
    visit before any session of its chunk, then an attended visit pointing at its session)."""

    order = parents_first([Appointment, ClinicalNote, TreatmentSession, Patient, Clinic])
    assert sorted(order, key=str) == sorted([Appointment, ClinicalNote, TreatmentSession, Patient, Clinic], key=str)
    assert order.index(Clinic) < order.index(Patient) < order.index(TreatmentSession) < order.index(Appointment)
    assert order.index(TreatmentSession) < order.index(ClinicalNote)


def test_surnames_have_a_long_tail_like_a_real_clinics():
    """With a few dozen surnames a four-letter search matched a thirtieth of a 50,000-patient clinic; a real clinic's
    commonest surname is about one patient in a hundred and most surnames are rare."""

    rng = random.Random(3)
    counts = Counter(surname(rng) for _ in range(20_000))
    commonest = counts.most_common(1)[0][1] / 20_000
    assert 0.005 < commonest < 0.02
    assert len(counts) > 1500
    assert sum(n for _, n in counts.most_common(100)) / 20_000 < 0.5
    prefixes = Counter(name[:4] for name in counts.elements())
    assert prefixes.most_common(1)[0][1] / 20_000 < 0.05


def test_the_loaded_tables_have_planner_statistics(capsys):
    """Without them PostgreSQL plans the audit page as for an empty table (a scan and sort of the whole trail)."""

    out = _generate(capsys)
    assert "Planner statistics gathered" in out
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'audit_auditentry'")
            assert cursor.fetchone()[0] == AuditEntry.objects.count()
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'audit_auditentry' LIMIT 1")
            (stat,) = cursor.fetchone()
            assert int(stat.split()[0]) == AuditEntry.objects.count()


def test_every_generated_row_passes_its_models_validation(capsys):
    """Choices, bounds and validators as a form or a service would check them (sampled: a few rows per model)."""

    out = _generate(capsys, clinics=1, patients=6)
    bulk_loaded = re.findall(r"^\s+[\d,]+\s+(\w+\.\w+)$", out, re.M)  # the generator's own rows, not the services'
    assert "treatment.Hold" in bulk_loaded
    checked = 0
    for label in bulk_loaded:
        model = apps.get_model(label)
        if model._meta.app_label == "audit":
            continue  # audit entries are written by the trail itself, never through a form
        for row in model._default_manager.all()[:5]:
            # An empty JSON list is what the services write for "none" (a screen with no findings).
            empty = [
                f.name for f in model._meta.fields if f.get_internal_type() == "JSONField" and not getattr(row, f.name)
            ]
            row.full_clean(exclude=empty, validate_unique=False, validate_constraints=False)
            checked += 1
    assert checked > 50


def test_the_same_seed_writes_the_same_group(capsys):
    def names():
        with transaction.atomic():
            _generate(capsys, clinics=1, patients=6, seed=3)
            found = list(Patient.objects.order_by("chart_number").values_list("first_name", "last_name", "sex"))
            holds = Hold.objects.count()
            transaction.set_rollback(True)
        return found, holds

    assert names() == names()


def _foreign_keys() -> list[tuple]:
    """The database's foreign keys as (table, name, definition, oid): a key dropped and added again has a new oid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), oid FROM pg_constraint "
            "WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def test_it_refuses_a_database_that_holds_other_data(capsys):
    _generate(capsys, clinics=1, patients=2)
    keys = _foreign_keys() if connection.vendor == "postgresql" else None
    with pytest.raises(CommandError, match="already holds clinics or users"):
        _generate(capsys, clinics=1, patients=2)
    assert Clinic.objects.count() == 1
    if keys is not None:  # refused before any key was taken off: the very same keys, not ones added again
        assert _foreign_keys() == keys


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite checks its keys row by row during the load")
def test_the_foreign_keys_taken_off_for_the_load_are_back_and_checking(capsys):
    """PostgreSQL loads without its foreign keys and adds them back after, which checks every loaded row."""
    keys = _foreign_keys()
    assert len(keys) > 50
    out = _generate(capsys, clinics=1, patients=3)
    assert f"Foreign keys checked for every loaded row ({len(keys)} keys)" in out
    after = _foreign_keys()
    assert [key[:3] for key in after] == [key[:3] for key in keys]  # the same keys, defined the same way
    assert not {key[3] for key in keys} & {key[3] for key in after}  # taken off and added again
    hold = Hold.objects.first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError):
            Hold.objects.filter(pk=hold.pk).update(point_id=10**9)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--clinics", "0", "--patients", "5"], "at least 1"),
        (["--clinics", "3", "--patients", "2"], "at least one patient per clinic"),
        (["--clinics", "x", "--patients", "2"], "whole number"),
    ],
)
def test_bad_sizes_are_refused_and_write_nothing(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_clinic_group", *arguments)
    assert not Clinic.objects.exists()


def test_the_main_pages_open_on_generated_data(client, capsys):
    _generate(capsys, clinics=1, patients=8)
    practitioner = User.objects.get(email__startswith="practitioner1@")
    sign_in(client, practitioner)
    session = TreatmentSession.objects.filter(practitioner=practitioner).select_related("patient").first()
    pages = [
        reverse("followup:dashboard"),
        reverse("patients:list"),
        reverse("scheduling:calendar"),
        reverse("chart:patient", args=[session.patient.public_id]),
        reverse("treatment:note", args=[session.public_id]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
