"""The chart's documents card, the documents page, the file itself, and withdrawing, as staff use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import sign_in
from knotwork.assessment.models import ReferralStatus
from knotwork.audit.models import AuditEntry
from knotwork.documents import services
from knotwork.documents.models import Document
from knotwork.documents.tests.factories import WINDOWS_PROGRAM, image_bytes, pdf_bytes, red_flag_referral
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, first_name="Harriet", last_name="Quill")


def post_upload(client, patient, content, name="letter.pdf", content_type="application/pdf", **data):
    form = {"kind": "referral_letter", "title": "", "file": SimpleUploadedFile(name, content, content_type)} | data
    return client.post(reverse("documents:patient", args=[patient.public_id]), form)


def test_the_chart_shows_the_documents_card_with_the_upload_form(front_desk_client, patient, front_desk):
    services.upload_document(
        patient=patient, content=pdf_bytes(), filename="a.pdf", kind="imaging", title="MRI lumbar", by=front_desk
    )
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()
    assert "Documents and letters" in page
    assert "MRI lumbar" in page
    assert "Write a progress report" not in page  # letters are a practitioner's
    # No referral waits for a result: the form is drawn when "Add a document" is opened, posting back to the chart.
    form_url = reverse("documents:upload_form", args=[patient.public_id])
    assert 'enctype="multipart/form-data"' not in page
    assert f'hx-get="{form_url}"' in page
    form = front_desk_client.get(form_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="next" value="chart"' in html
    assert 'id="chart_doc_file"' in html
    assert AuditEntry.objects.filter(patient=patient, additional_data__shown_in="document upload form").exists()
    assert front_desk_client.post(form_url).status_code == 405  # the form posts to the documents page, not here


def test_the_chart_draws_the_upload_form_at_once_when_a_referral_waits_for_its_result(
    front_desk_client, patient, owner
):
    red_flag_referral(patient, owner)
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()
    assert "1 medical referral waiting for a result" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_upload_form_is_only_for_staff_of_the_patients_clinic(practitioner_b_client, patient):
    form_url = reverse("documents:upload_form", args=[patient.public_id])
    assert practitioner_b_client.get(form_url).status_code == 404
    assert not AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS).exists()


def test_the_desk_uploads_a_referral_letter_from_the_chart(front_desk_client, patient):
    response = post_upload(front_desk_client, patient, pdf_bytes(), name="Dr Lee referral.pdf", next="chart")
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    document = Document.objects.get()
    assert (document.title, document.kind) == ("Dr Lee referral", "referral_letter")
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()
    assert "“Dr Lee referral” added to the chart." in page


def test_a_program_named_pdf_is_refused_with_a_clear_message(front_desk_client, patient):
    response = post_upload(front_desk_client, patient, WINDOWS_PROGRAM, name="referral.pdf")
    assert response.status_code == 400
    assert "Only PDF, JPEG or PNG files can be added to the chart: this file is a Windows program." in (
        response.content.decode()
    )
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(front_desk_client, patient, settings):
    settings.KNOTWORK_DOCUMENT_MAX_BYTES = 2048
    response = post_upload(front_desk_client, patient, pdf_bytes() + b"%" * 4096)
    assert response.status_code == 400
    assert "a document can be at most 2 KB" in response.content.decode()
    assert not Document.objects.exists()


def test_an_upload_without_a_file_or_kind_says_so(front_desk_client, patient):
    url = reverse("documents:patient", args=[patient.public_id])
    response = front_desk_client.post(url, {"kind": ""})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2


def test_attaching_an_imaging_report_closes_the_red_flag_referral(front_desk_client, patient, owner):
    referral = red_flag_referral(patient, owner)
    page = front_desk_client.get(reverse("documents:patient", args=[patient.public_id])).content.decode()
    assert "Answers the medical referral" in page
    response = post_upload(
        front_desk_client,
        patient,
        pdf_bytes(),
        name="mri.pdf",
        kind="imaging",
        referral=str(referral.public_id),
        result="No serious pathology.",
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert "The referral it answers is closed." in front_desk_client.get(response["Location"]).content.decode()


def test_opening_and_downloading_are_each_recorded(practitioner_client, patient, practitioner):
    content = pdf_bytes()
    document = services.upload_document(patient=patient, content=content, filename="x.pdf", kind="lab", by=practitioner)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, object_pk=str(document.pk)).count()
    opened = practitioner_client.get(reverse("documents:open", args=[document.public_id]))
    assert opened.content == content
    assert opened["Content-Type"] == "application/pdf"
    assert opened["Content-Disposition"].startswith("inline")
    assert opened["X-Content-Type-Options"] == "nosniff"
    downloaded = practitioner_client.get(reverse("documents:download", args=[document.public_id]))
    assert downloaded["Content-Disposition"] == 'attachment; filename="x.pdf"'
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, object_pk=str(document.pk))
    assert entries.count() == before + 2
    assert [e.additional_data["shown_in"] for e in entries.order_by("-pk")[:2]] == ["downloaded", "opened"]


def test_an_image_is_served_sandboxed(practitioner_client, patient, practitioner):
    document = services.upload_document(
        patient=patient, content=image_bytes("PNG"), filename="p.png", kind="photo", by=practitioner
    )
    response = practitioner_client.get(reverse("documents:open", args=[document.public_id]))
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    detail = practitioner_client.get(document.get_absolute_url()).content.decode()
    assert f'src="{reverse("documents:open", args=[document.public_id])}"' in detail


def test_withdrawing_lists_the_document_apart_and_keeps_it(front_desk_client, patient, front_desk):
    document = services.upload_document(
        patient=patient, content=pdf_bytes(), filename="x.pdf", kind="other", title="Wrong chart", by=front_desk
    )
    url = reverse("documents:withdraw", args=[document.public_id])
    refused = front_desk_client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    response = front_desk_client.post(url, {"reason": "Filed on the wrong chart"}, follow=True)
    page = response.content.decode()
    assert "withdrawn from the chart; it is kept, listed apart." in page
    assert "Withdrawn (1)" in page
    assert "Filed on the wrong chart" in page
    still_there = front_desk_client.get(reverse("documents:open", args=[document.public_id]))
    assert still_there.status_code == 200


def test_another_clinic_gets_nothing(client, patient, front_desk, practitioner_b):
    document = services.upload_document(
        patient=patient, content=pdf_bytes(), filename="x.pdf", kind="other", by=front_desk
    )
    sign_in(client, practitioner_b)
    for name in ("detail", "open", "download"):
        assert client.get(reverse(f"documents:{name}", args=[document.public_id])).status_code == 404
    assert client.get(reverse("documents:patient", args=[patient.public_id])).status_code == 404
    assert client.post(reverse("documents:withdraw", args=[document.public_id]), {"reason": "x"}).status_code == 404
    assert post_upload(client, patient, pdf_bytes()).status_code == 404
    document.refresh_from_db()
    assert not document.is_withdrawn
    assert Document.objects.count() == 1
