"""A patient opens their care page from the booking confirmation on a phone, moves a visit, and sees it confirmed."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.treatment.tests.test_session import screened

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def test_a_patient_moves_a_visit_from_the_care_page_on_a_phone(
    browser, live_server, clinic_a, owner, practitioner, screenshot, axe_violations
):
    clinic_a.phone = "+1 303 555 0100"
    clinic_a.save()
    scheduling.set_working_hours(
        practitioner=practitioner,
        clinic=clinic_a,
        hours=[(day, datetime.time(9), datetime.time(17)) for day in range(7)],
        by=owner,
    )
    kind = scheduling.create_appointment_type(clinic=clinic_a, name="Treatment", duration_minutes=45, by=owner)
    patient = screened(clinic_a, practitioner)
    first_day = timezone.localdate(timezone=clinic_a.tzinfo) + datetime.timedelta(days=3)
    visit = scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=scheduling.local_start(day=first_day, at=datetime.time(10), clinic=clinic_a),
        by=practitioner,
    )
    # The booking confirmation carries the calendar file and the care page's private link.
    confirmation = next(m for m in mail.outbox if "Your appointment on" in m.subject)
    assert confirmation.attachments[0][2] == "text/calendar"
    token = confirmation.body.split("/p/")[1].split("/")[0].split()[0]

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/p/{token}/")
    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
    screenshot(page, "care-page-phone-visits")
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("^Move the visit of")).tap()

    expect(page.get_by_role("heading", name="Move your visit")).to_be_visible()
    next_day = page.get_by_role("group").first
    choice = next_day.get_by_role("radio").first
    choice.tap()
    expect(choice).to_be_checked()
    chosen = datetime.datetime.fromisoformat(choice.get_attribute("value"))
    screenshot(page, "care-page-phone-move")
    assert axe_violations(page) == []
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Move my visit").tap()

    expect(
        page.get_by_text(re.compile(r"^Your visit is moved to .+\. We have sent you a confirmation\.$"))
    ).to_be_visible()
    screenshot(page, "care-page-phone-moved")
    visit = Appointment.objects.get(pk=visit.pk)
    assert (visit.starts_at, visit.status) == (chosen, AppointmentStatus.BOOKED)
    change = next(m for m in mail.outbox if "Your appointment is moved" in m.subject)
    assert change.to == [patient.email]
    assert change.attachments[0][0].endswith(".ics")
    context.close()


def test_a_patient_signs_every_consent_still_needed_on_one_phone_page(
    browser, live_server, clinic_a, practitioner, screenshot, axe_violations
):
    from knotwork.assessment.selectors import active_consents
    from knotwork.plans import services as plans
    from knotwork.portal.services import create_patient_link

    patient = screened(clinic_a, practitioner)  # manual therapy signed at the first visit
    plans.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=timezone.localdate(),
        techniques=["manual_therapy", "dry_needling", "heat_cold"],
    )
    _link, token = create_patient_link(patient=patient, purpose="consents", by=practitioner, send_email=False)

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/p/{token}/")
    expect(page.get_by_role("heading", name="Your consent forms")).to_be_visible()
    assert page.url == f"{live_server.url}/p/consents/"
    expect(page.get_by_role("heading", level=2)).to_have_count(2)  # dry needling, heat and cold
    page.get_by_label(re.compile("^I have read “Consent to dry needling”")).check()
    page.get_by_label("Type your full name").fill("Robin Patient")
    page.get_by_role("button", name="Sign 2 forms").tap()
    # The unticked form says so; what was typed stays.
    expect(page.get_by_text("Tick this box to agree to this form").first).to_be_visible()
    expect(page.get_by_label("Type your full name")).to_have_value("Robin Patient")
    page.get_by_label(re.compile("^I have read “Consent to heat and cold")).check()
    page.locator("[data-signature-surface]").scroll_into_view_if_needed()
    box = page.locator("[data-signature-surface]").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 40 + (step % 3) * 12)
    page.mouse.up()
    screenshot(page, "consent-packet-phone")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Sign 2 forms").tap()
    expect(page.get_by_text("We have received your 2 consent forms.")).to_be_visible()
    screenshot(page, "consent-packet-phone-thanks")
    signed = active_consents(patient)
    assert {"manual_therapy", "dry_needling", "heat_cold"} <= set(signed)
    assert signed["dry_needling"].signature.startswith("M")
    context.close()
