"""Pages a practitioner or patient opens on a phone do not scroll sideways."""

import pytest

from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", ["/", "/schedule/", "/schedule/?view=week", "/schedule/book/"])
def test_staff_pages_fit_a_phone(browser, live_server, practitioner, path, screenshot):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    sign_in(page, practitioner.email)
    page.goto(path)
    if path == "/schedule/":
        screenshot(page, "calendar-phone")
    assert page_width(page) <= PHONE["width"]
    context.close()
