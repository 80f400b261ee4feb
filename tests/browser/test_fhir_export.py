"""The owner starts a FHIR bulk export of the clinic, sees it complete with its files, and downloads one."""

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.patient import Patient as FhirPatient
from playwright.sync_api import expect

from knotwork.accounts.tests.factories import PASSWORD
from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_sign_in_security import code_now

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def test_the_owner_exports_the_clinic_and_downloads_a_file(page, owner, clinic_a, screenshot, axe_violations):
    PatientFactory.create_batch(3, clinic=clinic_a)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto("/fhir/r4/exports/")
    expect(page.get_by_text("No exports yet.")).to_be_visible()
    page.get_by_role("button", name="Start an export").click()  # the immediate task backend writes it on commit
    expect(page.get_by_text("The export has started")).to_be_visible()
    exports = page.get_by_role("table")
    expect(exports).to_contain_text("Done")
    expect(exports.get_by_role("link", name="Patient.ndjson")).to_be_visible()
    expect(exports).to_contain_text("3 resources")
    expect(exports.get_by_role("link", name="Organization.ndjson")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "fhir-export-done")

    with page.expect_download() as download:
        exports.get_by_role("link", name="Patient.ndjson").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    for line in lines:
        FhirPatient.model_validate(json.loads(line))
