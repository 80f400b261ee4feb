"""Documents through the API: multipart upload, list, details, the file, withdrawing; refusals as problem+json."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import sign_in
from knotwork.assessment.models import ReferralStatus
from knotwork.audit.models import AuditEntry
from knotwork.documents.models import Document
from knotwork.documents.tests.factories import WINDOWS_PROGRAM, image_bytes, pdf_bytes, red_flag_referral
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a)


def upload(client, patient, content, name="scan.pdf", **data):
    body = {"kind": "imaging", "file": SimpleUploadedFile(name, content, "application/pdf")} | data
    return client.post(f"/api/v1/patients/{patient.public_id}/documents", body)


def test_upload_list_read_and_download(front_desk_client, patient):
    created = upload(front_desk_client, patient, image_bytes("JPEG"), name="knee.JPG", kind="photo", title="Knee")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["title"], body["content_type"], body["filename"]) == (
        "photo",
        "Knee",
        "image/jpeg",  # from the content, not the "application/pdf" the upload claimed
        "knee.jpg",
    )
    listed = front_desk_client.get(f"/api/v1/patients/{patient.public_id}/documents").json()["items"]
    assert [d["id"] for d in listed] == [body["id"]]
    assert front_desk_client.get(f"/api/v1/documents/{body['id']}").json()["sha256"] == body["sha256"]
    content = front_desk_client.get(f"/api/v1/documents/{body['id']}/content")
    assert content["Content-Type"] == "image/jpeg"
    assert content.content == image_bytes("JPEG")
    shown = AuditEntry.objects.filter(object_pk=str(Document.objects.get().pk), action=AuditEntry.Action.ACCESS)
    assert sorted(e.additional_data["shown_in"] for e in shown) == ["API", "API download", "API list"]


def test_a_wrong_type_is_refused_with_a_problem(front_desk_client, patient):
    response = upload(front_desk_client, patient, WINDOWS_PROGRAM, name="report.pdf")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "this file is a Windows program" in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(front_desk_client, patient, settings):
    settings.KNOTWORK_DOCUMENT_MAX_BYTES = 1024
    response = upload(front_desk_client, patient, pdf_bytes() + b"%" * 2048)
    assert response.status_code == 413
    assert "a document can be at most 1 KB" in response.content.decode()


def test_a_letter_kind_cannot_be_uploaded(front_desk_client, patient):
    response = upload(front_desk_client, patient, pdf_bytes(), kind="letter")
    assert response.status_code == 422
    assert "kind must be one of" in response.content.decode()


def test_an_upload_answers_and_closes_a_referral(front_desk_client, patient, owner):
    referral = red_flag_referral(patient, owner)
    response = upload(front_desk_client, patient, pdf_bytes(), referral=str(referral.public_id), result="Clear")
    assert response.status_code == 201
    assert response.json()["referral"] == str(referral.public_id)
    referral.refresh_from_db()
    assert (referral.status, referral.result) == (ReferralStatus.CLOSED, "Clear")


def test_withdraw_keeps_the_document(front_desk_client, patient):
    document_id = upload(front_desk_client, patient, pdf_bytes()).json()["id"]
    url = f"/api/v1/documents/{document_id}/actions/withdraw"
    assert front_desk_client.post(url, {"reason": ""}, content_type="application/json").status_code == 422
    done = front_desk_client.post(url, {"reason": "Duplicate"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["withdrawn_reason"] == "Duplicate"
    assert front_desk_client.get(f"/api/v1/patients/{patient.public_id}/documents").json()["items"] == []
    withdrawn = front_desk_client.get(f"/api/v1/patients/{patient.public_id}/documents?withdrawn=true").json()["items"]
    assert [d["id"] for d in withdrawn] == [document_id]


def test_another_clinics_document_is_not_found(client, front_desk, patient, practitioner_b):
    sign_in(client, front_desk)
    document_id = upload(client, patient, pdf_bytes()).json()["id"]
    sign_in(client, practitioner_b)
    for url in (
        f"/api/v1/documents/{document_id}",
        f"/api/v1/documents/{document_id}/content",
        f"/api/v1/patients/{patient.public_id}/documents",
    ):
        assert client.get(url).status_code == 404, url
    assert upload(client, patient, pdf_bytes()).status_code == 404
    assert Document.objects.count() == 1


def test_the_list_walks_in_cursor_pages_and_a_read_only_key_reads_it(front_desk_client, client, patient, clinic_a):
    import datetime

    from knotwork.accounts.services import create_api_key
    from knotwork.core.policy import SystemActor

    made = [upload(front_desk_client, patient, pdf_bytes(), name=f"scan{n}.pdf").json()["id"] for n in range(3)]
    url = f"/api/v1/patients/{patient.public_id}/documents"
    first = front_desk_client.get(url, {"limit": 2}).json()
    rest = front_desk_client.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [d["id"] for d in first["items"] + rest["items"]] == made
    assert rest["next_cursor"] is None
    since = Document.objects.get(public_id=made[-1]).updated_at + datetime.timedelta(seconds=1)
    Document.objects.filter(public_id=made[0]).update(updated_at=since)
    assert [d["id"] for d in front_desk_client.get(url, {"updated_since": since.isoformat()}).json()["items"]] == [
        made[0]
    ]
    _key, token = create_api_key(clinic=clinic_a, by=SystemActor("test"), name="Reader", scope="read")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert len(client.get(url, **bearer).json()["items"]) == 3
    assert client.get(f"/api/v1/documents/{made[0]}", **bearer).status_code == 200
    downloaded = client.get(f"/api/v1/documents/{made[0]}/content", **bearer)
    assert downloaded.status_code == 200
    assert downloaded.content == pdf_bytes()
    withdraw = f"/api/v1/documents/{made[0]}/actions/withdraw"
    refused = client.post(withdraw, {"reason": "x"}, "application/json", **bearer)
    assert refused.status_code == 403
