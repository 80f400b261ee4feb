"""API keys: made by an owner (page or command), shown once, stored hashed, scoped, limited, rate-limited, revoked."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from knotwork.accounts.models import ApiKey
from knotwork.accounts.services import create_api_key
from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
NEW_PATIENT = {"first_name": "Ola", "last_name": "Brandt", "date_of_birth": "1980-02-03", "sex": "female"}


def _key(clinic, **choices) -> str:
    choices.setdefault("name", "Script")
    _key_row, token = create_api_key(clinic=clinic, by=SYSTEM, **choices)
    return token


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_an_owner_makes_a_key_sees_it_once_and_revokes_it(owner_client, clinic_a):
    page = owner_client.post(
        reverse("accounts:api_keys"), {"name": "Accounting export", "scope": "read", "role": "practitioner"}
    )
    assert page.status_code == 200
    token = re.search(r'value="(kw_[0-9a-f]{8}_[\w-]+)"', page.content.decode()).group(1)
    assert page["Cache-Control"] == "no-store"
    key = ApiKey.objects.get(clinic=clinic_a, name="Accounting export")
    assert token not in key.key_hash
    assert key.key_hash != token
    again = owner_client.get(reverse("accounts:api_keys")).content.decode()
    assert token not in again
    assert f"kw_{key.prefix}" in again
    assert Client().get("/api/v1/patients", **_bearer(token)).status_code == 200
    owner_client.post(reverse("accounts:api_key_revoke", args=[key.public_id]))
    refused = Client().get("/api/v1/patients", **_bearer(token))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in refused.json()["detail"]


def test_a_bad_key_form_keeps_what_was_typed(owner_client, clinic_a):
    _key(clinic_a, name="Script")
    page = owner_client.post(reverse("accounts:api_keys"), {"name": "script", "scope": "write", "role": "owner"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'value="script"' in html
    assert "Select a valid choice" in html
    assert ApiKey.objects.filter(clinic=clinic_a).count() == 1


def test_only_the_owner_manages_keys(practitioner_client, front_desk_client):
    assert practitioner_client.get(reverse("accounts:api_keys")).status_code == 403
    assert front_desk_client.post(reverse("accounts:api_keys"), {"name": "x", "scope": "read"}).status_code == 403


def test_the_command_prints_a_key_once_and_refuses_bad_input(clinic_a, capsys):
    call_command("create_api_key", "--clinic", clinic_a.name, "--name", "Nightly sync", "--scope", "write")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("kw_")
    assert Client().get("/api/v1/patients", **_bearer(token)).status_code == 200
    with pytest.raises(CommandError, match="No clinic is called"):
        call_command("create_api_key", "--clinic", "Nowhere", "--name", "x", "--scope", "read")
    with pytest.raises(CommandError, match="already has a key with this name"):
        call_command("create_api_key", "--clinic", clinic_a.name, "--name", "nightly sync", "--scope", "read")
    with pytest.raises(CommandError, match="Unknown parts of the API: pets"):
        call_command(
            "create_api_key", "--clinic", clinic_a.name, "--name", "y", "--scope", "read", "--resources", "pets"
        )
    with pytest.raises(CommandError):
        call_command("create_api_key", "--clinic", clinic_a.name, "--name", "z", "--scope", "admin")
    assert ApiKey.objects.count() == 1


def test_a_write_key_acts_as_its_own_named_user_in_the_audit_trail(clinic_a):
    token = _key(clinic_a, name="Intake robot", scope="write")
    created = Client().post("/api/v1/patients", NEW_PATIENT, content_type="application/json", **_bearer(token))
    assert created.status_code == 201, created.content
    patient = Patient.objects.get(clinic=clinic_a, last_name="Brandt")
    Client().get(f"/api/v1/patients/{patient.public_id}", **_bearer(token))
    entries = AuditEntry.objects.filter(patient=patient)
    assert entries.filter(action=AuditEntry.Action.CREATE, actor_kind="api_key").exists()
    read = entries.filter(action=AuditEntry.Action.ACCESS).get()
    assert read.actor_kind == "api_key"
    assert read.actor_label == "API key “Intake robot”"
    assert read.actor_ref.startswith("key ")


def test_a_read_only_key_changes_nothing(clinic_a):
    token = _key(clinic_a, scope="read")
    refused = Client().post("/api/v1/patients", NEW_PATIENT, content_type="application/json", **_bearer(token))
    assert refused.status_code == 403
    assert "read" in refused.json()["detail"]
    assert not Patient.objects.filter(last_name="Brandt").exists()


def test_a_key_sees_only_its_own_clinic_and_its_own_parts_of_the_api(clinic_a, clinic_b):
    theirs = PatientFactory(clinic=clinic_b)
    token = _key(clinic_a, resources=["patients"])
    assert Client().get(f"/api/v1/patients/{theirs.public_id}", **_bearer(token)).status_code == 404
    outside = Client().get("/api/v1/appointments", **_bearer(token))
    assert outside.status_code == 403
    assert "appointments" in outside.json()["detail"]


def test_a_patients_records_need_the_part_that_holds_them(clinic_a):
    mine = PatientFactory(clinic=clinic_a)
    patients_only = _key(clinic_a, resources=["patients"])
    for sub, part in [("sessions", "treatment"), ("plans", "plans"), ("documents", "documents"), ("diary", "followup")]:
        refused = Client().get(f"/api/v1/patients/{mine.public_id}/{sub}", **_bearer(patients_only))
        assert refused.status_code == 403, sub
        assert part in refused.json()["detail"]
    with_treatment = _key(clinic_a, name="Treatment", resources=["patients", "treatment"])
    assert Client().get(f"/api/v1/patients/{mine.public_id}/sessions", **_bearer(with_treatment)).status_code == 200
    treatment_only = _key(clinic_a, name="Treatment only", resources=["treatment"])
    refused = Client().get(f"/api/v1/patients/{mine.public_id}/sessions", **_bearer(treatment_only))
    assert refused.status_code == 403
    assert "patients" in refused.json()["detail"]


@pytest.mark.parametrize("token", ["kw_deadbeef_nothing", "not-a-key", "kw_" + "x" * 200])
def test_a_wrong_key_is_refused_without_a_hint(clinic_a, token):
    _key(clinic_a)
    refused = Client().get("/api/v1/patients", **_bearer(token))
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"


@override_settings(API_KEY_RATE_LIMIT=3)
def test_a_key_over_its_rate_is_told_when_to_come_back(clinic_a):
    token = _key(clinic_a)
    answers = [Client().get("/api/v1/patients", **_bearer(token)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60


def test_a_keys_user_cannot_sign_in_to_the_web_app_and_is_not_listed_as_staff(owner_client, clinic_a):
    _key(clinic_a, name="Sync")
    key = ApiKey.objects.get(name="Sync")
    assert not key.user.has_usable_password()
    assert key.user.email not in owner_client.get(reverse("accounts:staff")).content.decode()
