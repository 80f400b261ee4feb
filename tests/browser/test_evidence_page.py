"""The owner opens the evidence page on the scale generator's data: rates with intervals and denominators, the
funnel plot, time to relief, soreness and safety; refreshes the figures and downloads the CSV."""

import re
from pathlib import Path

import pytest
from allauth.mfa.adapter import get_adapter  # noqa: F401 (allauth loaded before the TOTP helpers)
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import totp_code as _code

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_owner_reads_the_evidence_page_on_generated_data(page, capsys, screenshot, axe_violations):
    call_command("generate_clinic_group", "--clinics", "1", "--patients", "200", "--seed", "11")
    out = capsys.readouterr().out
    email, password = re.search(r"^login: (owner@\S+)  password: (\S+)", out, re.M).groups()
    secret = re.search(rf"authenticator secret for {re.escape(email)}: (\S+)", out).group(1)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/evidence/")
    expect(page.get_by_text("No figures yet.")).to_be_visible()
    page.get_by_role("button", name="Refresh figures").click()  # the immediate task backend computes them now

    expect(page.locator("#ev-computed")).to_contain_text("Figures computed")
    expect(page.locator("#ev-overall")).to_contain_text("can be judged by the clinic's responder rule")
    expect(page.locator("#ev-overall")).to_contain_text("95 % interval")
    technique = page.get_by_role("table", name=re.compile("By technique"))
    expect(technique.get_by_role("columnheader", name="95 % interval")).to_be_visible()
    expect(technique.get_by_role("row").nth(1)).to_contain_text("%")
    expect(page.get_by_role("img", name=re.compile("Responders by technique"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("funnel plot"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Time to relief by technique"))).to_be_visible()
    expect(page.locator("#ev-flag")).to_contain_text("answered last check-ins")
    expect(page.get_by_role("table", name="Adverse events by technique")).to_contain_text("Per 1,000 sessions")
    assert not axe_violations(page)
    screenshot(page, "evidence-page")

    page.get_by_role("combobox", name="Period").select_option(label="The last 12 months")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#ev-overall")).to_contain_text("The last 12 months")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("figure,group,count,denominator,rate %,95% low %,95% high %")
