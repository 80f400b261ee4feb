"""Adding documents to a chart, closing a referral with its result, and withdrawing a document."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages

from knotwork.assessment.models import ReferralStatus
from knotwork.audit.models import AuditEntry
from knotwork.core.errors import ClinicRuleError
from knotwork.documents import selectors, services
from knotwork.documents.models import Document
from knotwork.documents.tests.factories import (
    PDF_WITH_JAVASCRIPT,
    WINDOWS_PROGRAM,
    image_bytes,
    pdf_bytes,
    red_flag_referral,
)
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, first_name="Harriet", last_name="Quill")


def upload(patient, by, content=None, **kwargs):
    kwargs = {"filename": "Referral Dr Lee.pdf", "kind": "referral_letter"} | kwargs
    return services.upload_document(patient=patient, content=content or pdf_bytes(), by=by, **kwargs)


def test_a_referral_letter_is_stored_under_a_random_key_and_read_back(patient, front_desk, private_storage):
    content = pdf_bytes("Dear colleague")
    document = upload(patient, front_desk, content, title="Referral from Dr Lee")
    assert document.content_type == "application/pdf"
    assert document.filename == "Referral Dr Lee.pdf"
    assert document.title == "Referral from Dr Lee"
    assert document.uploaded_by == front_desk
    key = document.storage_key
    assert key.startswith(f"clinics/{patient.clinic.public_id}/documents/")
    assert key.endswith(".pdf")
    assert "Quill" not in key
    assert "Harriet" not in key
    assert "Lee" not in key
    assert (private_storage / key).read_bytes() == content
    with selectors.read_document(front_desk, document, shown_in="test") as stored:
        assert stored.read() == content


def test_every_read_is_recorded_in_the_audit_trail(patient, practitioner):
    document = upload(patient, practitioner)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    for _ in range(2):
        selectors.read_document(practitioner, document, shown_in="downloaded").close()
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).order_by("pk")
    assert entries.count() == before + 2
    assert entries.last().patient_id == patient.pk
    assert entries.last().additional_data == {"shown_in": "downloaded"}


def test_the_title_defaults_to_the_file_name(patient, front_desk):
    document = upload(patient, front_desk, image_bytes("JPEG"), filename="knee_photo.jpeg", kind="photo")
    assert (document.title, document.filename, document.content_type) == ("knee photo", "knee_photo.jpg", "image/jpeg")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some text", "Only PDF, JPEG or PNG files can be added to the chart"),
        (WINDOWS_PROGRAM, "this file is a Windows program"),
        (PDF_WITH_JAVASCRIPT, "active content"),
    ],
)
def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_stored(
    patient, front_desk, private_storage, content, message
):
    with pytest.raises(ValidationError) as refused:
        upload(patient, front_desk, content, filename="scan.pdf")
    assert message in refused.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert not any(private_storage.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(patient, front_desk, settings):
    settings.KNOTWORK_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="a document can be at most 1 KB"):
        upload(patient, front_desk, pdf_bytes() + b"%" * 2048)
    assert not Document.objects.exists()


def test_an_unknown_kind_is_refused(patient, front_desk):
    with pytest.raises(ValidationError, match="Choose what the document is"):
        upload(patient, front_desk, kind="xray")


def test_staff_of_another_clinic_cannot_add_to_this_chart(patient, practitioner_b):
    with pytest.raises(PermissionDenied, match="Only staff of this clinic"):
        upload(patient, practitioner_b)
    assert not Document.objects.exists()


def test_the_result_of_a_red_flag_referral_closes_it(patient, owner, front_desk):
    referral = red_flag_referral(patient, owner)
    assert referral.status == ReferralStatus.TO_SEND
    document = upload(
        patient, front_desk, kind="imaging", title="MRI lumbar spine", referral=referral, result="No cauda equina."
    )
    referral.refresh_from_db()
    assert document.referral == referral
    assert referral.status == ReferralStatus.CLOSED
    assert referral.result == "No cauda equina."
    assert referral.sent_on is not None
    assert referral.result_on is not None


def test_a_referral_that_already_has_its_result_is_closed_keeping_the_result(patient, owner, front_desk):
    from knotwork.assessment.services import update_referral

    referral = red_flag_referral(patient, owner)
    update_referral(referral=referral, status="sent", by=owner)
    update_referral(referral=referral, status="result", result="GP: bloods normal", by=owner)
    upload(patient, front_desk, kind="lab", referral=referral)
    referral.refresh_from_db()
    assert (referral.status, referral.result) == (ReferralStatus.CLOSED, "GP: bloods normal")


def test_without_a_result_text_the_referral_points_to_the_document(patient, owner, front_desk):
    referral = red_flag_referral(patient, owner)
    upload(patient, front_desk, kind="imaging", title="X-ray pelvis", referral=referral)
    referral.refresh_from_db()
    assert referral.result == "See the attached document: X-ray pelvis."


def test_a_closed_referral_cannot_be_answered_again_and_nothing_is_stored(patient, owner, front_desk, private_storage):
    referral = red_flag_referral(patient, owner)
    upload(patient, front_desk, kind="imaging", referral=referral)
    with pytest.raises(ClinicRuleError, match="closed already"):
        upload(patient, front_desk, kind="imaging", referral=referral)
    assert Document.objects.count() == 1
    assert len([p for p in private_storage.rglob("*") if p.is_file()]) == 1


def test_another_patients_referral_is_refused(patient, owner, front_desk, clinic_a):
    other = PatientFactory(clinic=clinic_a)
    referral = red_flag_referral(other, owner)
    with pytest.raises(ClinicRuleError, match="not this patient's"):
        upload(patient, front_desk, referral=referral)


def test_withdrawing_keeps_the_file_and_says_why(patient, front_desk, private_storage):
    document = upload(patient, front_desk)
    services.withdraw_document(document=document, reason="Filed on the wrong chart", by=front_desk)
    document.refresh_from_db()
    assert document.is_withdrawn
    assert document.withdrawn_by == front_desk
    assert document.withdrawn_reason == "Filed on the wrong chart"
    assert (private_storage / document.storage_key).exists()
    assert list(selectors.list_documents(front_desk, patient)) == []
    assert list(selectors.list_documents(front_desk, patient, withdrawn=True)) == [document]
    assert storages["default"].exists(document.storage_key)


def test_withdrawing_needs_a_reason_and_happens_once(patient, front_desk):
    document = upload(patient, front_desk)
    with pytest.raises(ValidationError, match="Say why"):
        services.withdraw_document(document=document, reason="  ", by=front_desk)
    services.withdraw_document(document=document, reason="Duplicate", by=front_desk)
    with pytest.raises(ClinicRuleError, match="withdrawn already"):
        services.withdraw_document(document=document, reason="Duplicate", by=front_desk)


def test_another_clinic_cannot_list_or_open_the_document(patient, front_desk, practitioner_b):
    document = upload(patient, front_desk)
    assert not selectors.list_documents(practitioner_b, patient).exists()
    with pytest.raises(PermissionDenied):
        selectors.read_document(practitioner_b, document, shown_in="test")
