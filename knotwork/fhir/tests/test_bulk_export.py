"""The Bulk Data $export: kick-off, status, NDJSON files that validate line by line, scope, audit, retention."""

import datetime
import json

import pytest
import time_machine
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor
from knotwork.fhir import services
from knotwork.fhir.models import ExportStatus, FhirExport
from knotwork.fhir.tests.test_fhir_api import bearer, key, validated
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from tests.test_clinic_isolation import clinic_a_records

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def record(clinic_a, owner):
    rows = clinic_a_records(clinic_a, owner)
    FhirExport.objects.all().delete()  # the walk's own export row: these tests count theirs
    return next(r for r in rows if isinstance(r, Patient))


def kick_off(client, token, query="", capture=None):
    headers = {**bearer(token), "HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}
    if capture is None:
        return client.get(f"/fhir/r4/$export{query}", **headers)
    with capture(execute=True):  # the immediate task backend runs the export when the request's work commits
        return client.get(f"/fhir/r4/$export{query}", **headers)


def test_a_clinic_export_runs_async_and_every_line_validates(
    record, clinic_a, clinic_b, django_capture_on_commit_callbacks
):
    PatientFactory(clinic=clinic_b, first_name="Elsewhere")
    client, token = Client(), key(clinic_a)
    started = kick_off(client, token, capture=django_capture_on_commit_callbacks)
    assert started.status_code == 202
    status_url = started["Content-Location"]
    assert "/fhir/r4/$export-status/" in status_url
    done = client.get(status_url.removeprefix("http://testserver"), **bearer(token))
    assert done.status_code == 200
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    types = [o["type"] for o in manifest["output"]]
    assert types[:3] == ["Patient", "Practitioner", "Organization"]
    assert {
        "Encounter",
        "Condition",
        "Observation",
        "Procedure",
        "QuestionnaireResponse",
        "CarePlan",
        "Appointment",
        "Consent",
        "DocumentReference",
    } <= set(types)
    seen = 0
    for output in manifest["output"]:
        answer = client.get(output["url"].removeprefix("http://testserver"), **bearer(token))
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/fhir+ndjson"
        lines = b"".join(answer.streaming_content).decode().splitlines()
        assert len(lines) == output["count"]
        for line in lines:
            resource = validated(json.loads(line))
            assert resource.get_resource_type() == output["type"]
            seen += 1
        if output["type"] == "Patient":
            ids = {json.loads(line)["id"] for line in lines}  # clinic A's patients (the walk books one online)
            assert ids == {str(p) for p in Patient.objects.filter(clinic=clinic_a).values_list("public_id", flat=True)}
            assert str(record.public_id) in ids
            assert not ids & {str(p.public_id) for p in Patient.objects.filter(clinic=clinic_b)}  # not clinic B's
        if output["type"] == "Practitioner":  # the key's own user is named as the key, with no made-up email
            keys = [json.loads(line) for line in lines if "API key" in line]
            assert keys[0]["name"] == [{"text": "API key “FHIR client”"}]
            assert "telecom" not in keys[0]
    assert seen > 15


def test_the_export_is_audited_per_patient_and_as_an_export(record, clinic_a, django_capture_on_commit_callbacks):
    kick_off(Client(), key(clinic_a, name="Warehouse"), capture=django_capture_on_commit_callbacks)
    viewed = AuditEntry.objects.get(
        patient=record, action=AuditEntry.Action.ACCESS, additional_data__shown_in="FHIR bulk export"
    )
    assert "Warehouse" in viewed.actor_label
    export = AuditEntry.objects.get(
        clinic=clinic_a, action=AuditEntry.Action.EXPORT, additional_data__shown_in="FHIR bulk export"
    )
    assert export.additional_data["resources"] > 15


def test_kick_off_needs_prefer_respond_async_and_ndjson(clinic_a):
    token = key(clinic_a)
    plain = Client().get("/fhir/r4/$export", **bearer(token))
    assert plain.status_code == 400
    assert "Prefer: respond-async" in plain.json()["issue"][0]["diagnostics"]
    other = kick_off(Client(), token, "?_outputFormat=text/csv")
    assert other.status_code == 400
    unknown = kick_off(Client(), token, "?_type=Patient,Invoice")
    assert unknown.status_code == 400
    assert "Invoice" in unknown.json()["issue"][0]["diagnostics"]
    assert not FhirExport.objects.exists()


def test_type_and_since_narrow_the_export(record, clinic_a, django_capture_on_commit_callbacks):
    client, token = Client(), key(clinic_a)
    kick_off(client, token, "?_type=Patient,Consent", capture=django_capture_on_commit_callbacks)
    export = FhirExport.objects.get()
    assert [f["type"] for f in export.files] == ["Patient", "Consent"]
    later = (timezone.now() + datetime.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        kick_off(client, token, f"?_type=Patient&_since={later}", capture=django_capture_on_commit_callbacks)
    assert FhirExport.objects.order_by("-pk").first().files == []  # nothing changed since


def test_while_it_runs_the_status_says_how_far_with_x_progress(clinic_a, record):
    token = key(clinic_a)
    started = kick_off(Client(), token)  # not committed: the task has not run
    assert started.status_code == 202
    waiting = Client().get(started["Content-Location"].removeprefix("http://testserver"), **bearer(token))
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "0%"
    assert waiting["Retry-After"]


def test_who_may_export(record, clinic_a, clinic_b, practitioner_client, django_capture_on_commit_callbacks):
    desk = kick_off(Client(), key(clinic_a, name="Desk", role="front_desk"))
    assert desk.status_code == 403
    assert practitioner_client.get("/fhir/r4/$export", HTTP_PREFER="respond-async").status_code == 403
    assert not FhirExport.objects.exists()
    token = key(clinic_a)
    started = kick_off(Client(), token, capture=django_capture_on_commit_callbacks)
    status = started["Content-Location"].removeprefix("http://testserver")
    other = Client().get(status, **bearer(key(clinic_b)))
    assert other.status_code == 404
    assert other.json()["resourceType"] == "OperationOutcome"
    file_url = Client().get(status, **bearer(token)).json()["output"][0]["url"].removeprefix("http://testserver")
    assert Client().get(file_url, **bearer(key(clinic_b, name="B2"))).status_code == 404
    assert Client().get(file_url).status_code == 401


def test_files_are_deleted_after_the_retention_period(
    record, clinic_a, private_storage, django_capture_on_commit_callbacks, settings
):
    settings.FHIR_EXPORT_RETENTION_HOURS = 24
    token = key(clinic_a)
    started = kick_off(Client(), token, capture=django_capture_on_commit_callbacks)
    export = FhirExport.objects.get()
    keys = [f["key"] for f in export.files]
    assert all((private_storage / k).exists() for k in keys)
    assert services.delete_expired_exports(by=SYSTEM) == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        assert services.delete_expired_exports(by=SYSTEM) == 1
        gone = Client().get(started["Content-Location"].removeprefix("http://testserver"), **bearer(token))
    assert not any((private_storage / k).exists() for k in keys)
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert gone.status_code == 410


def test_a_client_may_cancel_an_export_with_delete(
    record, clinic_a, private_storage, django_capture_on_commit_callbacks
):
    token = key(clinic_a)
    started = kick_off(Client(), token, capture=django_capture_on_commit_callbacks)
    keys = [f["key"] for f in FhirExport.objects.get().files]
    status = started["Content-Location"].removeprefix("http://testserver")
    assert Client().delete(status, **bearer(token)).status_code == 202
    assert not any((private_storage / k).exists() for k in keys)
    assert Client().get(status, **bearer(token)).status_code == 410


def test_the_writer_streams_rows_a_chunk_at_a_time(clinic_a, owner, monkeypatch):
    """Many patients, a small chunk: every table is read with .iterator(chunk_size), never loaded as a list."""
    PatientFactory.create_batch(60, clinic=clinic_a)
    monkeypatch.setattr(services, "CHUNK_SIZE", 25)
    iterated, loaded = [], []
    real_iterator, real_fetch_all = QuerySet.iterator, QuerySet._fetch_all

    def spy_iterator(self, chunk_size=None):
        iterated.append((self.model.__name__, chunk_size))
        return real_iterator(self, chunk_size=chunk_size)

    def spy_fetch_all(self):
        if self.model is Patient and self._result_cache is None:
            loaded.append(self.query)
        return real_fetch_all(self)

    monkeypatch.setattr(QuerySet, "iterator", spy_iterator)
    monkeypatch.setattr(QuerySet, "_fetch_all", spy_fetch_all)
    export = services.start_export(clinic=clinic_a, by=owner, types=["Patient"])
    progress = []
    real_progress = services._progress
    monkeypatch.setattr(services, "_progress", lambda e, d, t, s: (progress.append(d), real_progress(e, d, t, s)))
    export = services.run_export(export=export, by=SYSTEM)
    assert export.status == ExportStatus.DONE
    assert export.files[0]["count"] == 60
    assert ("Patient", 25) in iterated
    assert not loaded, "the writer loaded the patients as a list"
    assert progress == [0, 25, 50]  # progress is saved as each chunk is written


def test_the_owner_starts_an_export_on_the_page_and_sees_its_files(
    record, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = owner_client.post("/fhir/r4/exports/start/", {"types": ["Patient", "Encounter"]})
    page = owner_client.get(started["Location"]).content.decode()
    assert "The export has started" in page
    assert "Patient.ndjson" in page
    assert "Encounter.ndjson" in page
    export = FhirExport.objects.get()
    assert export.requested_by.membership.role == "owner"
    answer = owner_client.get(f"/fhir/r4/exports/{export.public_id}/Patient.ndjson")
    assert answer.status_code == 200
    lines = b"".join(answer.streaming_content).decode().splitlines()
    assert len(lines) == Patient.objects.filter(clinic=record.clinic).count()
    for line in lines:
        validated(json.loads(line))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, additional_data__type="Patient").exists()


def test_a_running_export_shows_its_progress_and_refreshes_itself(clinic_a, owner, owner_client):
    services.start_export(clinic=clinic_a, by=owner)  # queued: the task runs on commit, which never comes here
    page = owner_client.get("/fhir/r4/exports/").content.decode()
    assert 'aria-label="Export progress"' in page
    assert 'hx-trigger="every 2s"' in page
    fragment = owner_client.get("/fhir/r4/exports/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section")


def test_the_export_page_is_the_owners(practitioner_client):
    assert practitioner_client.get("/fhir/r4/exports/").status_code == 403
    assert practitioner_client.post("/fhir/r4/exports/start/").status_code == 403
    assert not FhirExport.objects.exists()


def test_an_unknown_type_on_the_page_is_refused_with_a_message(owner_client):
    answer = owner_client.post("/fhir/r4/exports/start/", {"types": ["Invoice"]}, follow=True)
    assert "Select a valid choice" in answer.content.decode()
    assert not FhirExport.objects.exists()


def test_a_failed_export_keeps_no_file_and_says_so(
    record, clinic_a, private_storage, monkeypatch, django_capture_on_commit_callbacks
):
    from knotwork.fhir import resources

    def broken(row):
        raise RuntimeError("boom")

    monkeypatch.setattr(resources, "encounter", broken)
    token = key(clinic_a)
    started = kick_off(Client(), token, capture=django_capture_on_commit_callbacks)
    export = FhirExport.objects.get()
    assert export.status == ExportStatus.FAILED
    assert export.files == []
    assert not any(p.is_file() for p in private_storage.rglob("*.ndjson"))  # Patient.ndjson was written, then deleted
    answer = Client().get(started["Content-Location"].removeprefix("http://testserver"), **bearer(token))
    assert answer.status_code == 500
    assert "The export stopped (RuntimeError)" in answer.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize("since", ["yesterday", "2026-13-45T00:00:00Z", "2026-01-31T09:00:00"])
def test_a_bad_since_is_a_400_outcome(clinic_a, since):
    answer = kick_off(Client(), key(clinic_a), f"?_since={since}")
    assert answer.status_code == 400
    assert "_since must be a FHIR instant" in answer.json()["issue"][0]["diagnostics"]


def test_a_browser_cancel_needs_the_csrf_token(record, clinic_a, owner, django_capture_on_commit_callbacks):
    from conftest import sign_in

    export = services.start_export(clinic=clinic_a, by=owner)
    browser = sign_in(Client(enforce_csrf_checks=True), owner)
    refused = browser.delete(f"/fhir/r4/$export-status/{export.public_id}")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["issue"][0]["diagnostics"]
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED
    keyed = Client(enforce_csrf_checks=True).delete(
        f"/fhir/r4/$export-status/{export.public_id}", **bearer(key(clinic_a))
    )
    assert keyed.status_code == 202


def test_the_command_deletes_expired_exports(
    record, clinic_a, private_storage, django_capture_on_commit_callbacks, capsys
):
    from django.core.management import call_command

    kick_off(Client(), key(clinic_a), capture=django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        call_command("delete_expired_fhir_exports")
    assert "Deleted the files of 1 expired export." in capsys.readouterr().out
    assert not any(p.is_file() for p in private_storage.rglob("*.ndjson"))


def test_the_capability_statement_is_open_and_valid(client):
    answer = client.get("/fhir/r4/metadata")
    assert answer.status_code == 200
    statement = validated(answer.json())
    assert {r.type for r in statement.rest[0].resource} >= {"Patient", "Observation", "DocumentReference"}
    assert statement.rest[0].operation[0].name == "export"
