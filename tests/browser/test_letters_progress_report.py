"""A practitioner writes a progress report to the referring doctor, previews it, emails it, and finds the PDF on
the chart as a document."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from knotwork.documents.models import DocumentKind
from knotwork.letters.models import Letter, LetterStatus
from knotwork.letters.tests.factories import patient_with_course
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def storage_and_mail(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_a_practitioner_sends_a_progress_report_to_the_referring_doctor(
    page, clinic_a, practitioner, screenshot, axe_violations
):
    patient, _plan = patient_with_course(clinic_a, practitioner)
    sign_in(page, practitioner.email)
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Write a progress report").click()

    expect(page.get_by_role("heading", name=f"Progress report for {patient.display_name}")).to_be_visible()
    preview = page.locator(".letter-preview")
    expect(preview).to_contain_text("Dear Dr Ada Lee")
    expect(preview.get_by_role("heading", name="Trigger points found")).to_be_visible()
    expect(preview.get_by_role("img", name="Back view: trigger points found")).to_be_visible()
    expect(preview).to_contain_text("The patient responded to treatment.")
    page.get_by_label("Plan and recommendations").fill("Two more sessions, then a home programme.")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.locator(".letter-preview")).to_contain_text("Two more sessions, then a home programme.")
    screenshot(page, "letters-progress-preview")
    assert axe_violations(page) == []

    page.get_by_label("Email it to Dr Ada Lee (dr.lee@practice.example.com)").check()
    page.get_by_role("button", name="Send the progress report").click()
    expect(page.get_by_text("Progress report emailed to dr.lee@practice.example.com.")).to_be_visible()
    expect(page.get_by_role("heading", name="Emailed")).to_be_visible()
    screenshot(page, "letters-progress-sent")
    letter = Letter.objects.get()
    assert letter.status == LetterStatus.SENT
    assert [m.to for m in mail.outbox] == [["dr.lee@practice.example.com"]]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"

    page.get_by_role("link", name="The document on the chart").click()
    expect(page.get_by_role("heading", name=letter.document.title)).to_be_visible()
    page.goto(patient.get_absolute_url())
    card = page.get_by_role("region", name="Documents and letters")
    expect(card.get_by_role("link", name=letter.document.title)).to_be_visible()
    expect(card).to_contain_text("letter sent by the clinic")
    screenshot(page, "letters-chart-document")
    assert letter.document.kind == DocumentKind.LETTER
