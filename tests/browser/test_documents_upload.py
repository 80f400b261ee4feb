"""The front desk files a referral letter on the chart; a program renamed to .pdf is refused with a clear message;
an imaging report closes the red-flag referral it answers."""

import pytest
from playwright.sync_api import expect

from knotwork.assessment.models import ReferralStatus
from knotwork.documents.models import Document
from knotwork.documents.tests.factories import WINDOWS_PROGRAM, pdf_bytes, red_flag_referral
from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def test_the_desk_uploads_a_referral_letter_and_a_disguised_program_is_refused(
    page, clinic_a, front_desk, screenshot, axe_violations
):
    patient = PatientFactory(clinic=clinic_a, first_name="Marit", last_name="Olsen")
    sign_in(page, front_desk.email)
    page.goto(patient.get_absolute_url())
    card = page.get_by_role("region", name="Documents and letters")
    expect(card).to_contain_text("No documents yet.")
    card.get_by_text("Add a document").click()
    card.get_by_label("File").set_input_files(
        {"name": "Referral Dr Lee.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Dear colleague")}
    )
    card.get_by_label("What is it").select_option("Referral letter")
    card.get_by_label("Title").fill("Referral from Dr Lee")
    screenshot(page, "documents-chart-upload-form")
    card.get_by_role("button", name="Add to the chart").click()

    expect(page.get_by_text("“Referral from Dr Lee” added to the chart.")).to_be_visible()
    card = page.get_by_role("region", name="Documents and letters")
    expect(card.get_by_role("link", name="Referral from Dr Lee")).to_be_visible()
    screenshot(page, "documents-chart-after-upload")

    card.get_by_text("Add a document").click()
    card.get_by_label("File").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": WINDOWS_PROGRAM}
    )
    card.get_by_label("What is it").select_option("Imaging report")
    card.get_by_role("button", name="Add to the chart").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    expect(
        page.get_by_text("Only PDF, JPEG or PNG files can be added to the chart: this file is a Windows program.")
    ).to_be_visible()
    expect(page.get_by_label("What is it")).to_have_value("imaging")  # what was chosen is kept
    screenshot(page, "documents-refused-program")
    assert axe_violations(page) == []
    assert list(Document.objects.values_list("title", flat=True)) == ["Referral from Dr Lee"]

    page.get_by_role("link", name="Referral from Dr Lee").click()
    expect(page.get_by_role("heading", name="Referral from Dr Lee")).to_be_visible()
    expect(page.get_by_role("link", name="Download Referral Dr Lee.pdf")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Referral Dr Lee.pdf").click()
    assert download.value.suggested_filename == "Referral Dr Lee.pdf"
    screenshot(page, "documents-detail")
    assert axe_violations(page) == []


def test_an_imaging_report_closes_the_red_flag_referral(page, clinic_a, owner, front_desk, screenshot):
    patient = PatientFactory(clinic=clinic_a)
    referral = red_flag_referral(patient, owner)
    sign_in(page, front_desk.email)
    page.goto(patient.get_absolute_url())
    card = page.get_by_role("region", name="Documents and letters")
    expect(card).to_contain_text("1 medical referral waiting for a result")
    card.get_by_label("File").set_input_files({"name": "mri.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    card.get_by_label("What is it").select_option("Imaging report")
    card.get_by_label("Title").fill("MRI lumbar spine")
    card.get_by_label("Answers the medical referral").select_option(index=1)
    card.get_by_label("What the result says").fill("No disc herniation, no cauda equina compression.")
    card.get_by_role("button", name="Add to the chart").click()
    expect(
        page.get_by_text("“MRI lumbar spine” added to the chart. The referral it answers is closed.")
    ).to_be_visible()
    referrals = page.get_by_role("region", name="Medical referrals")
    expect(referrals).to_contain_text("closed")
    expect(referrals).to_contain_text("No disc herniation")
    screenshot(page, "documents-referral-closed")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
