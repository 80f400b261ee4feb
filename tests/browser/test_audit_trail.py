"""An owner reads who saw a chart, filters the trail by kind of actor and downloads a date range as CSV."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.accounts.tests.factories import PASSWORD
from knotwork.audit.models import AuditEntry
from knotwork.audit.services import record_view
from knotwork.core.policy import PatientLinkActor
from knotwork.patients.tests.factories import PatientFactory
from tests.browser.test_sign_in_security import code_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_reads_the_trail_and_downloads_it(page, owner, practitioner, clinic_a, screenshot, axe_violations):
    patient = PatientFactory(clinic=clinic_a, first_name="Audra", last_name="Seenby")
    record_view(instance=patient, by=practitioner)
    record_view(instance=patient, by=PatientLinkActor(patient_id=patient.pk, clinic_id=clinic_a.pk, link_id=3))

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()

    rows = page.get_by_role("row").filter(has_text="Seenby")
    expect(rows.filter(has_text=practitioner.email)).to_have_count(1)
    expect(rows.filter(has_text="(link 3)")).to_have_count(1)
    assert not axe_violations(page)
    screenshot(page, "audit-trail")

    page.get_by_label("Acting as").select_option(label="patient link")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text="Seenby")).to_have_count(1)

    export = page.locator("#audit-export")
    export.get_by_label("From").fill("2026-03-10")
    export.get_by_label("To").fill("2026-03-01")
    export.get_by_role("button", name="Download CSV").click()
    expect(page.get_by_text("The end date is before the start date.")).to_be_visible()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()

    today = timezone.localdate(timezone=clinic_a.tzinfo)
    export = page.locator("#audit-export")
    export.get_by_label("From").fill((today - datetime.timedelta(days=1)).isoformat())
    export.get_by_label("To").fill(today.isoformat())
    with page.expect_download() as download:
        export.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("entry,time (UTC),actor kind,actor")
    assert "Seenby" in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor=owner).count() == 1
