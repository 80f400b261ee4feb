"""An owner registers a webhook endpoint, copies its secret, sends a test event and sees it delivered in the log."""

import pytest
from playwright.sync_api import expect

from knotwork.accounts.tests.factories import PASSWORD
from knotwork.patients.tests.factories import PatientFactory
from knotwork.webhooks.models import Delivery
from knotwork.webhooks.tests.conftest import loopback, receiver  # noqa: F401 - fixtures: the receiver on loopback
from knotwork.webhooks.tests.test_delivery import docs_receiver
from tests.browser.test_sign_in_security import code_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_registers_an_endpoint_and_sees_a_delivery(
    page,
    owner,
    clinic_a,
    receiver,  # noqa: F811 - the fixture imported above
    loopback,  # noqa: F811 - the fixture imported above
    screenshot,
    axe_violations,
):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto("/webhooks/")
    page.get_by_label("URL").fill("http://hooks.example.com/in")
    page.get_by_label("A patient is registered (patient.created)").check()
    page.get_by_label("A session note is signed (note.signed)").check()
    page.get_by_label("Description").fill("Practice dashboard")
    page.get_by_role("button", name="Register the endpoint").click()
    expect(page.get_by_text("The address must start with https://")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Practice dashboard")
    expect(page.get_by_label("A session note is signed (note.signed)")).to_be_checked()

    page.get_by_label("URL").fill(receiver.url)
    page.get_by_role("button", name="Register the endpoint").click()
    secret = page.get_by_role("textbox", name="Secret").input_value()
    assert secret.startswith("whsec_")
    assert not axe_violations(page)
    screenshot(page, "webhooks-registered")

    page.get_by_role("link", name="Open the endpoint").click()
    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_text("Sent a test event")).to_be_visible()
    page.reload()
    row = page.get_by_role("row").filter(has_text="webhook.test")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("HTTP 204")

    PatientFactory(clinic=clinic_a)  # registered elsewhere (another tab, the API): its event goes out too
    page.reload()
    expect(page.get_by_role("row").filter(has_text="patient.created")).to_contain_text("Delivered")
    assert not axe_violations(page)
    screenshot(page, "webhooks-delivery-log")

    assert len(receiver.received) == 2
    verify = docs_receiver()
    assert all(verify(secret, got.headers, got.body) for got in receiver.received)
    assert Delivery.objects.filter(status="delivered").count() == 2
