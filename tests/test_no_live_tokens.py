"""Nothing stored gives a credential away: no table holds a token, and no queued task holds a token, link or address.

Every token Knotwork issues is made by `knotwork.core.tokens` (`new_token` or `derive_token`); a spy on those two
records each one. The scenario loads the demo, then issues every kind of token and queues every kind of message
through the services (invitations, the create_clinic command, patient links of each kind, check-in links through the
worker, calendar feeds, a lockout notice), opens each address as its holder would, runs the queued tasks, and then
reads every column of every table, raw, for any of the tokens.
"""

import datetime
import importlib
import io
import json
import re

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.tasks import Task, TaskResultStatus
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_tasks_db.models import DBTaskResult

from knotwork.accounts import services as accounts
from knotwork.accounts.models import Invitation
from knotwork.clinics.models import Membership, Role
from knotwork.core import tokens
from knotwork.evidence import services as evidence
from knotwork.fhir import services as fhir
from knotwork.followup.models import CheckIn
from knotwork.patients import services as patients
from knotwork.portal import services as portal
from knotwork.scheduling import services as scheduling
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened
from knotwork.webhooks import services as webhooks
from knotwork.webhooks import tasks as webhook_tasks

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
INVITATION, PATIENT_LINK, RANDOM = "knotwork.accounts.Invitation", "knotwork.portal.PatientLink", "random"
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture
def issued(monkeypatch) -> dict[str, str]:
    """Every token made while the test runs, with its kind (what `derive_token` was asked for, or random)."""
    made: dict[str, str] = {}
    real_new, real_derive = tokens.new_token, tokens.derive_token

    def new_token() -> str:
        token = real_new()
        made[token] = RANDOM
        return token

    def derive_token(purpose: str, public_id: object) -> str:
        token = real_derive(purpose, public_id)
        made[token] = purpose
        return token

    monkeypatch.setattr(tokens, "new_token", new_token)
    monkeypatch.setattr(tokens, "derive_token", derive_token)
    return made


def every_task() -> set[str]:
    """The import path of every task defined in a Knotwork app's tasks module."""
    found = set()
    for config in apps.get_app_configs():
        if config.name.startswith("knotwork.") and module_has_submodule(config.module, "tasks"):
            module = importlib.import_module(f"{config.name}.tasks")
            found |= {value.module_path for value in vars(module).values() if isinstance(value, Task)}
    return found


def issue_everything(clinic, owner, practitioner) -> dict:
    """Queue every kind of message and issue every kind of token through the services (tasks are not run)."""
    patient = screened(clinic, owner, consents=("manual_therapy", "dry_needling"))
    assert patient.email
    accounts.invite_staff(clinic=clinic, email="new.colleague@a.example.com", role="practitioner", by=owner)
    accounts.notify_sign_in_locked(email=practitioner.email)
    for purpose, technique in (("intake", ""), ("consent", "dry_needling"), ("care", "")):
        portal.create_patient_link(patient=patient, purpose=purpose, technique=technique, by=practitioner)
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    treatment.finish_session(session=session, by=practitioner, pain_after=3)  # schedules the check-ins
    appointment_type = scheduling.create_appointment_type(
        clinic=clinic, name="Token test visit", duration_minutes=45, by=owner
    )
    starts = datetime.datetime.combine(
        timezone.localdate(timezone=clinic.tzinfo) + datetime.timedelta(days=3), datetime.time(6), clinic.tzinfo
    )
    scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        starts_at=starts,
        by=owner,
        allow_outside_hours=True,
    )
    scheduling.create_calendar_feed(practitioner=practitioner, by=practitioner)
    scheduling.create_calendar_feed(practitioner=practitioner, by=practitioner)  # the first one is revoked
    # Other systems: a webhook delivery for a change, a bulk FHIR export, the evidence refresh.
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=True):
        endpoint, _secret = webhooks.create_endpoint(
            clinic=clinic, url="http://127.0.0.1:9/hook", events=["patient.changed"], by=owner
        )
    patients.update_patient(patient=patient, by=owner, preferred_name="Token")
    # The switch-off email is queued by a failing delivery (knotwork/webhooks/tests cover that path over the network).
    webhook_tasks.send_endpoint_disabled_email.enqueue(endpoint_id=endpoint.pk)
    fhir.start_export(clinic=clinic, by=owner)
    evidence.request_refresh(clinic=clinic, by=owner)
    return {"patient": patient, "session": session}


def assert_tasks_carry_ids_only(issued: dict[str, str]) -> None:
    for row in DBTaskResult.objects.all():
        stored = json.dumps(row.args_kwargs)
        assert row.args_kwargs["args"] == [], row.task_path
        assert all(type(value) is int for value in row.args_kwargs["kwargs"].values()), (row.task_path, stored)
        assert not [token for token in issued if token in stored], row.task_path
        assert "/p/" not in stored, row.task_path
        assert "/join/" not in stored, row.task_path
        assert "http" not in stored, row.task_path
        assert not EMAIL_ADDRESS.search(stored), row.task_path


def run_due_tasks() -> None:
    """What `manage.py db_worker` does with each task that is due, in this test's transaction."""
    for row in DBTaskResult.objects.ready():
        task_result = row.task_result
        row.set_successful(row.task.call(*task_result.args, **task_result.kwargs))


def stored_values():
    """(table, column, text) for every value of every column of every table, read raw with SQL."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        missing = {model._meta.db_table for model in apps.get_models(include_auto_created=True)} - set(tables)
        assert not missing, f"Tables of models not in the database: {missing}"
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a table name, quoted)
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("latin-1")
                    if value is not None:
                        yield table, column, str(value)


def tokens_found(issued) -> tuple[list[tuple[str, str]], set[str]]:
    """Where any issued token is stored, and which token hashes are stored."""
    pattern = re.compile("|".join(re.escape(token) for token in issued))
    hashes = {tokens.hash_token(token) for token in issued}
    found, hashed = [], set()
    for table, column, text in stored_values():
        if pattern.search(text):
            found.append((table, column))
        if text in hashes:
            hashed.add(text)
    return found, hashed


def test_every_queued_task_carries_record_ids_only(
    clinic_a, owner, practitioner, issued, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        issue_everything(clinic_a, owner, practitioner)
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == every_task(), "a task kind is not exercised here: queue it in issue_everything()"
    assert {INVITATION, PATIENT_LINK, RANDOM} <= set(issued.values())
    assert_tasks_carry_ids_only(issued)


def test_no_table_holds_a_token_after_a_demo_and_every_kind_of_link(db, issued, django_capture_on_commit_callbacks):
    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_clinic", "--allow-production", stdout=io.StringIO(), stderr=io.StringIO())
    owner = Membership.objects.filter(role=Role.OWNER).select_related("clinic", "user").earliest("pk")
    practitioner = Membership.objects.filter(clinic=owner.clinic, role=Role.PRACTITIONER).earliest("pk").user
    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        printed = io.StringIO()
        call_command("create_clinic", "Token Test Clinic", "--owner", "boss@token.example.com", stdout=printed)
        world = issue_everything(owner.clinic, owner.user, practitioner)
    assert [token for token in issued if token in printed.getvalue()]  # the operator is shown the owner's link
    assert_tasks_carry_ids_only(issued)
    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        run_due_tasks()
    check_in = CheckIn.objects.filter(session=world["session"]).earliest("due_at")
    with (
        time_machine.travel(check_in.due_at + datetime.timedelta(minutes=1), tick=False),
        override_settings(TASKS=DATABASE_TASKS),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_due_tasks()  # the check-in task makes the check-in link and emails it
    assert mail.outbox
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    assert set(issued.values()) == {INVITATION, PATIENT_LINK, RANDOM}
    assert world["patient"].links.filter(purpose="check_in").exists()

    # Each address opened as its holder would: the patient's browser, the invited person, a calendar app.
    opened = {PATIENT_LINK: "portal:entry", INVITATION: "accounts:accept_invitation", RANDOM: "scheduling:feed_ics"}
    answered = {
        (kind, Client().get(reverse(opened[kind], args=[token]), follow=True).status_code)
        for token, kind in issued.items()
    }
    assert {(kind, 200) for kind in opened} <= answered  # some of each still open (others used, replaced, revoked)

    found, hashed = tokens_found(issued)
    assert not found, f"Tokens stored in plain text in (table, column): {sorted(set(found))}"
    assert hashed == {tokens.hash_token(token) for token in issued}  # every token issued is kept, as a hash


def test_the_scan_finds_a_token_kept_in_plain_text(clinic_a, owner, issued):
    """Invitations stored their token as it is before issue 11; the scan above would have failed on them."""
    invitation = accounts.invite_staff(clinic=clinic_a, email="old@a.example.com", role="front_desk", by=owner)
    (token,) = issued
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token)
    found, _hashed = tokens_found(issued)
    assert found == [("accounts_invitation", "token_hash")]
