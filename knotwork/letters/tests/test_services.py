"""Sending a progress report or discharge letter, and the clinic's templates with their merge fields."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.errors import ClinicRuleError
from knotwork.documents.models import Document, DocumentKind
from knotwork.documents.selectors import read_document
from knotwork.letters import selectors, services
from knotwork.letters.models import Letter, LetterStatus, LetterTemplate
from knotwork.letters.tests.factories import patient_with_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinic_a, practitioner):
    return patient_with_course(clinic_a, practitioner)


def test_a_progress_report_is_emailed_with_its_pdf_and_kept_on_the_chart(course, practitioner, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    patient, plan = course
    letter = services.send_letter(
        patient=patient, kind="progress", plan=plan, delivery="email", next_steps="Two more sessions.", by=practitioner
    )
    assert letter.status == LetterStatus.SENT
    assert letter.recipient_email == "dr.lee@practice.example.com"
    document = letter.document
    assert (document.kind, document.patient, document.content_type) == (DocumentKind.LETTER, patient, "application/pdf")
    assert document.title.startswith("Progress report to Dr Ada Lee")
    [sent] = mail.outbox
    assert sent.to == ["dr.lee@practice.example.com"]
    assert sent.subject == f"Progress report: {patient.first_name} {patient.last_name}, born " + (
        f"{patient.date_of_birth:%-d %B %Y}"
    )
    assert "Dear Dr Ada Lee" in sent.body
    [(filename, pdf, mimetype)] = sent.attachments
    assert (filename, mimetype) == (document.filename, "application/pdf")
    with read_document(practitioner, document, shown_in="test") as stored:
        assert stored.read() == pdf
    assert pdf.startswith(b"%PDF-")


def test_a_letter_to_print_is_filed_without_email(course, practitioner):
    patient, plan = course
    letter = services.send_letter(patient=patient, kind="discharge", plan=plan, delivery="print", by=practitioner)
    assert letter.status == LetterStatus.PRINTED
    assert mail.outbox == []
    assert letter.document.title.startswith("Discharge letter to Dr Ada Lee")


def test_without_the_referrers_email_the_letter_cannot_be_emailed(clinic_a, practitioner):
    patient, plan = patient_with_course(clinic_a, practitioner, referrer_email="")
    with pytest.raises(ClinicRuleError, match="Dr Ada Lee has no email address on file"):
        services.send_letter(patient=patient, kind="progress", plan=plan, delivery="email", by=practitioner)
    assert not Letter.objects.exists()
    assert not Document.objects.exists()


def test_a_failed_email_keeps_the_letter_to_print(course, practitioner, monkeypatch):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    patient, plan = course
    letter = services.send_letter(patient=patient, kind="progress", plan=plan, delivery="email", by=practitioner)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert letter.error == "The mail server did not take the letter (ConnectionRefusedError)."
    assert Document.objects.filter(pk=letter.document_id).exists()


def test_the_front_desk_and_another_clinic_cannot_send_letters(course, front_desk, practitioner_b):
    patient, plan = course
    for by in (front_desk, practitioner_b):
        with pytest.raises(PermissionDenied):
            services.send_letter(patient=patient, kind="progress", plan=plan, delivery="print", by=by)
    assert not Letter.objects.exists()


def test_an_unknown_kind_or_delivery_is_refused(course, practitioner):
    patient, plan = course
    with pytest.raises(ValidationError, match="no kind of letter"):
        services.send_letter(patient=patient, kind="invoice", plan=plan, delivery="print", by=practitioner)
    with pytest.raises(ValidationError, match="email the letter or to print"):
        services.send_letter(patient=patient, kind="progress", plan=plan, delivery="fax", by=practitioner)


def test_the_report_context_has_every_part(course, practitioner):
    patient, plan = course
    context = selectors.letter_context(patient=patient, kind="progress", author=practitioner, plan=plan)
    assert context["diagnosis"].code.startswith("M79")
    muscles = [row["muscle"] for row in context["trigger_points"]["rows"]]
    assert len(muscles) == 2
    assert [v["view"] for v in context["trigger_points"]["views"]] == ["back"]
    assert len(context["treatments"]) == 2
    assert context["review"].responder is True
    assert context["verdict"] == "responded to treatment"
    assert context["charts"]
    assert "In short, the patient responded to treatment." in context["opening"]


def test_the_clinics_template_is_used_once_saved(course, practitioner, owner, clinic_a):
    patient, plan = course
    services.save_letter_template(
        clinic=clinic_a,
        kind="progress",
        subject="Re: {{ patient.full_name }} ({{patient.chart_number}})",
        opening="Dear {{referrer.name}}, an update on {{patient.first_name}}: {{verdict}}.",
        by=owner,
    )
    context = selectors.letter_context(patient=patient, kind="progress", author=practitioner, plan=plan)
    assert context["subject"] == f"Re: {patient.first_name} {patient.last_name} ({patient.chart_number})"
    assert context["opening"] == f"Dear Dr Ada Lee, an update on {patient.first_name}: responded to treatment."
    assert "Yours sincerely" in context["closing"]  # the part left out keeps the default words


@pytest.mark.parametrize(
    ("opening", "message"),
    [
        ("Dear {{patient.ssn}}", "Unknown merge field {{patient.ssn}}: the fields are {{patient.first_name}}"),
        ("{% load static %}Dear {{referrer.name}}", "Template tags such as {% … %} are not allowed"),
        ("Dear {{referrer.name}", "A merge field is not closed"),
        ("{{ settings.SECRET_KEY }}", "Unknown merge field {{settings.SECRET_KEY}}"),
    ],
)
def test_a_template_with_a_bad_merge_field_is_refused(clinic_a, owner, opening, message):
    with pytest.raises(ValidationError) as refused:
        services.save_letter_template(clinic=clinic_a, kind="progress", opening=opening, by=owner)
    assert message in refused.value.message_dict["opening"][0]
    assert not LetterTemplate.objects.exists()


def test_only_the_owner_changes_the_templates(clinic_a, practitioner):
    with pytest.raises(PermissionDenied, match="Only the clinic owner"):
        services.save_letter_template(clinic=clinic_a, kind="progress", subject="Hi", by=practitioner)


def test_a_typo_in_a_change_is_an_error(clinic_a, owner):
    with pytest.raises(TypeError, match="unexpected keyword arguments: openning"):
        services.save_letter_template(clinic=clinic_a, kind="progress", openning="Hi", by=owner)


def test_merged_values_are_text_never_template_code(course, practitioner):
    patient, plan = course
    patient.first_name = "{{clinic.name}}<b>"
    patient.save()
    context = selectors.letter_context(patient=patient, kind="progress", author=practitioner, plan=plan)
    assert "{{clinic.name}}<b>" in context["subject"]


def test_a_patient_without_a_course_or_referrer_still_gets_a_printable_letter(clinic_a, practitioner):
    from knotwork.patients.tests.factories import PatientFactory

    patient = PatientFactory(clinic=clinic_a, referring_clinician=None)
    with pytest.raises(
        ClinicRuleError, match="The patient has no referring clinician: choose one on the patient's details"
    ):
        services.send_letter(patient=patient, kind="progress", delivery="email", by=practitioner)
    letter = services.send_letter(patient=patient, kind="progress", delivery="print", by=practitioner)
    assert letter.recipient is None
    assert letter.document.title.startswith("Progress report to the treating clinician")
    context = selectors.letter_context(patient=patient, kind="progress", author=practitioner)
    assert context["treatments"] == []
    assert context["verdict"] == "has too few pain scores so far for the clinic's responder rule"
    assert context["opening"].startswith("Dear colleague,")
