import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knotwork.audit.models import AuditEntry
from knotwork.imports.models import ImportRun, ImportStatus
from knotwork.imports.services import import_storage
from knotwork.imports.tests.generated import cliniko_csv, fhir_bundle
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _upload(client, data: bytes, name: str = "cliniko.csv"):
    return client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, data)})


def test_the_owner_uploads_maps_reviews_and_imports_the_good_rows(
    owner_client, clinic_a, django_capture_on_commit_callbacks
):
    response = _upload(owner_client, cliniko_csv(total=20, bad=2))
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[run.public_id])

    page = owner_client.get(response["Location"])
    assert page.status_code == 200
    assert '<option value="First Name" selected>' in page.content.decode()

    response = owner_client.post(
        reverse("imports:mapping", args=[run.public_id]),
        {"first_name": "First Name", "last_name": "Last Name", "date_of_birth": "Date of Birth", "date_order": "mdy"},
    )
    assert response["Location"] == reverse("imports:review", args=[run.public_id])

    review = owner_client.get(response["Location"]).content.decode()
    assert "18 to create" in review
    assert "2 with problems" in review
    assert "First name is empty" in review
    assert not Patient.objects.exists()

    refused = owner_client.post(reverse("imports:review", args=[run.public_id]), {})
    assert refused.status_code == 400
    assert "2 rows have problems, so nothing was imported" in refused.content.decode()
    assert not Patient.objects.exists()

    path = ImportRun.objects.get().stored_file
    with django_capture_on_commit_callbacks(execute=True):
        done = owner_client.post(reverse("imports:review", args=[run.public_id]), {"good_rows_only": "on"})
    assert done["Location"] == reverse("imports:run", args=[run.public_id])
    assert Patient.objects.filter(clinic=clinic_a).count() == 18
    assert not import_storage().exists(path)
    result = owner_client.get(done["Location"]).content.decode()
    assert "18 created" in result
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == 18  # the patients shown


def test_a_duplicate_is_flagged_on_the_dry_run(owner_client, clinic_a):
    existing = PatientFactory(
        clinic=clinic_a, first_name="Imported0", last_name="Patient0", date_of_birth=datetime.date(1950, 1, 1)
    )
    _upload(
        owner_client,
        fhir_bundle(1)
        .replace(b"Fhir0", b"Imported0")
        .replace(b"Bundled0", b"Patient0")
        .replace(b"1960-05-01", b"1950-01-01"),
        "bundle.json",
    )
    run = ImportRun.objects.get()
    review = owner_client.get(reverse("imports:review", args=[run.public_id])).content.decode()
    assert "Possible duplicate" in review
    assert existing.chart_number in review
    assert AuditEntry.objects.get(action=AuditEntry.Action.ACCESS).object_id == existing.pk


def test_an_unreadable_file_is_refused_with_its_reason(owner_client):
    response = _upload(owner_client, b"\x00\x01 binary")
    assert response.status_code == 400
    assert "The file is not text" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_practitioner_and_front_desk_may_not_import(practitioner_client, front_desk, client):
    assert practitioner_client.get(reverse("imports:start")).status_code == 403


def test_another_clinics_import_is_not_found(owner_client, practitioner_b, owner_b, clinic_b):
    from knotwork.imports import services

    run = services.start_import(clinic=clinic_b, by=owner_b, data=cliniko_csv(total=2, bad=0), file_name="b.csv")
    assert owner_client.get(reverse("imports:review", args=[run.public_id])).status_code == 404
    assert owner_client.post(reverse("imports:discard", args=[run.public_id])).status_code == 404
    assert ImportRun.objects.get().status == ImportStatus.UPLOADED


def test_discarding_deletes_the_file(owner_client, django_capture_on_commit_callbacks):
    _upload(owner_client, cliniko_csv(total=2, bad=0))
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("imports:discard", args=[run.public_id]))
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED
    assert run.stored_file == ""
    assert owner_client.get(reverse("imports:review", args=[run.public_id])).status_code == 302
