"""Writing a letter in the browser: the preview, sending it, the letter page, and the clinic's templates."""

import pytest
from django.core import mail
from django.urls import reverse

from conftest import sign_in
from knotwork.audit.models import AuditEntry
from knotwork.documents.models import DocumentKind
from knotwork.letters.models import Letter, LetterStatus, LetterTemplate
from knotwork.letters.tests.factories import patient_with_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinic_a, practitioner):
    return patient_with_course(clinic_a, practitioner)


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def compose_url(patient, kind="progress"):
    return reverse(f"letters:{kind}", args=[patient.public_id])


def test_the_chart_offers_letters_to_a_practitioner(practitioner_client, course):
    patient, _plan = course
    page = practitioner_client.get(patient.get_absolute_url()).content.decode()
    assert compose_url(patient) in page
    assert compose_url(patient, "discharge") in page


def test_the_preview_is_the_letter_and_is_recorded(practitioner_client, course):
    patient, _plan = course
    response = practitioner_client.get(compose_url(patient))
    page = response.content.decode()
    assert response.status_code == 200
    for part in ("Dear Dr Ada Lee", "Diagnosis", "Trigger points found", "Treatment given", "Response to treatment"):
        assert part in page
    assert "Email it to Dr Ada Lee (dr.lee@practice.example.com)" in page
    assert AuditEntry.objects.filter(patient=patient, additional_data__shown_in="progress report preview").exists()


def test_sending_emails_the_referrer_and_files_the_pdf(practitioner_client, course):
    patient, plan = course
    data = {"plan": str(plan.public_id), "next_steps": "Review in two weeks.", "delivery": "email", "action": "send"}
    response = practitioner_client.post(compose_url(patient), data, follow=True)
    letter = Letter.objects.get()
    assert letter.status == LetterStatus.SENT
    assert letter.next_steps == "Review in two weeks."
    assert letter.document.kind == DocumentKind.LETTER
    page = response.content.decode()
    assert "Progress report emailed to dr.lee@practice.example.com." in page
    assert len(mail.outbox) == 1
    chart = practitioner_client.get(patient.get_absolute_url()).content.decode()
    assert letter.document.title in chart


def test_an_empty_send_says_what_is_missing(practitioner_client, course):
    patient, _plan = course
    response = practitioner_client.post(compose_url(patient), {"action": "send", "delivery": "pigeon"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not Letter.objects.exists()


def test_the_front_desk_cannot_write_letters_but_sees_a_sent_one(client, course, practitioner, front_desk):
    patient, plan = course
    sign_in(client, practitioner)
    client.post(compose_url(patient), {"plan": str(plan.public_id), "delivery": "print", "action": "send"})
    letter = Letter.objects.get()
    sign_in(client, front_desk)
    assert client.get(compose_url(patient)).status_code == 403
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Open the PDF to print" in page


def test_another_clinic_gets_nothing(client, course, practitioner, practitioner_b):
    patient, plan = course
    sign_in(client, practitioner)
    client.post(compose_url(patient), {"plan": str(plan.public_id), "delivery": "print", "action": "send"})
    letter = Letter.objects.get()
    sign_in(client, practitioner_b)
    assert client.get(letter.get_absolute_url()).status_code == 404
    assert client.get(compose_url(patient)).status_code == 404
    assert client.post(compose_url(patient), {"delivery": "print", "action": "send"}).status_code == 404
    assert Letter.objects.count() == 1


def test_the_owner_edits_a_template_and_a_bad_field_is_refused(owner_client, clinic_a):
    url = reverse("letters:templates")
    page = owner_client.get(url).content.decode()
    assert "{{patient.first_name}}" in page
    assert "Knotwork's default" in page
    data = {
        "kind": "progress",
        "progress-subject": "Update on {{patient.full_name}}",
        "progress-opening": "Dear {{doctor.name}},",
        "progress-closing": "Regards",
    }
    refused = owner_client.post(url, data)
    assert refused.status_code == 400
    assert "Unknown merge field {{doctor.name}}" in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    data["progress-opening"] = "Dear {{referrer.name}},"
    saved = owner_client.post(url, data, follow=True)
    assert "The progress report template is saved." in saved.content.decode()
    assert LetterTemplate.objects.get().opening == "Dear {{referrer.name}},"


def test_a_practitioner_cannot_change_the_templates(practitioner_client):
    assert practitioner_client.get(reverse("letters:templates")).status_code == 403
