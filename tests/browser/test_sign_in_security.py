"""An owner signs in with password and authenticator code; the admin site signs in through the same steps."""

import pytest
from playwright.sync_api import expect

from conftest import totp_code as code_now
from knotwork.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admin_site_asks_an_owner_for_the_password_and_then_the_code(
    page, owner, practitioner, screenshot, axe_violations
):
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # Knotwork's page, not Django's admin form
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Authenticator code")).to_be_visible()
    page.get_by_label("Code").fill("000000" if code_now() != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "sign-in-code-step")

    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Knotwork administration")).to_be_visible()
    assert page.url.endswith("/admin/")

    page.goto("/")
    page.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    expect(page.get_by_text("This browser")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "sign-in-sessions")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    expect(page.get_by_role("button", name=f"Sign out {practitioner.email} everywhere")).to_be_visible()
    screenshot(page, "sign-in-staff-sessions")
