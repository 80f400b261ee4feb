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


def test_the_patients_care_pages_fit_a_phone_and_pass_axe(
    browser, live_server, clinic_a, practitioner, screenshot, axe_violations
):
    from django.utils import timezone

    from knotwork.demo.course import load_demo_course
    from knotwork.portal.services import create_patient_link
    from knotwork.treatment.tests.test_session import screened

    clinic_a.settings.plan_backdate_days_max = 14  # the demo course began eight days ago
    clinic_a.settings.save()
    patient = screened(clinic_a, practitioner)
    load_demo_course(patient=patient, practitioner=practitioner, today=timezone.localdate())
    _link, token = create_patient_link(patient=patient, purpose="care", by=practitioner, send_email=False)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"/p/{token}/")  # opens the care page; its pages go on without the token
    for name, path in (("care", ""), ("diary", "diary/"), ("program", "home-program/")):
        page.goto(f"/p/care/{path}")
        assert page_width(page) <= PHONE["width"], name
        assert axe_violations(page) == [], name
        screenshot(page, f"care-page-{name}-phone")
    context.close()


def test_the_today_page_passes_axe(page, practitioner, axe_violations):
    sign_in(page, practitioner.email)
    assert axe_violations(page) == []
