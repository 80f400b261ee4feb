"""On a phone (375 x 740): a new patient books a first visit on the clinic's public page, and a patient on the
waitlist takes a freed time through the offer's link."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.booking import services as booking
from knotwork.booking.models import OnlineBooking
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
ALL_WEEK = [(day, datetime.time(8), datetime.time(18)) for day in range(7)]


@pytest.fixture
def open_clinic(clinic_a, owner, practitioner):
    clinic_a.phone = "020 7946 0000"
    clinic_a.save(update_fields=["phone"])
    first = scheduling.create_appointment_type(clinic=clinic_a, name="First visit", duration_minutes=60, by=owner)
    follow_up = scheduling.create_appointment_type(clinic=clinic_a, name="Follow-up", duration_minutes=30, by=owner)
    scheduling.set_working_hours(practitioner=practitioner, clinic=clinic_a, hours=ALL_WEEK, by=owner)
    booking.update_booking_settings(
        clinic=clinic_a,
        by=owner,
        is_open=True,
        bookable_types=[first, follow_up],
        first_visit_types=[first],
        notice_hours=12,
        horizon_days=30,
    )
    return clinic_a, first, follow_up


def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_new_patient_books_a_first_visit_on_a_phone(
    browser, live_server, open_clinic, practitioner, screenshot, axe_violations
):
    clinic, _first, _follow_up = open_clinic
    day = timezone.localdate(timezone=clinic.tzinfo) + datetime.timedelta(days=2)
    context, page = phone_page(browser, live_server)
    page.goto(f"/book/{clinic.public_id}/")
    expect(page.get_by_role("heading", name="Book a visit")).to_be_visible()
    page.get_by_role("radio", name=re.compile("First visit")).tap()
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_role("button", name="Show free times").tap()
    expect(page.get_by_role("heading", name=re.compile("Free times on"))).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "online-booking-phone-times")
    times = page.locator("#book-details").get_by_role("radio")
    expect(times.first).to_be_visible()
    chosen = times.nth(2)
    chosen.tap()
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Brennan")
    page.get_by_label("Date of birth").fill("1988-09-14")
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Mobile phone").fill("+447911123456")
    page.get_by_label(re.compile("Text me about my visits")).check()
    assert no_sideways_scroll(page)
    screenshot(page, "online-booking-phone-details")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Book this time").tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.locator("#booked")).to_contain_text("First visit")
    assert no_sideways_scroll(page)
    screenshot(page, "online-booking-phone-done")
    made = OnlineBooking.objects.get()
    assert made.new_patient
    assert made.appointment.source == "online"
    assert made.patient.first_name == "Nia"
    assert made.appointment.starts_at.astimezone(clinic.tzinfo).date() == day
    context.close()


def test_a_waitlisted_patient_takes_a_freed_time_on_a_phone(
    browser, live_server, open_clinic, owner, practitioner, front_desk, screenshot, axe_violations
):
    clinic, _first, follow_up = open_clinic
    day = timezone.localdate(timezone=clinic.tzinfo) + datetime.timedelta(days=3)
    waiting = PatientFactory(clinic=clinic, first_name="Wren", email="wren@example.com")
    booking.join_waitlist(
        patient=waiting,
        by=front_desk,
        appointment_type=follow_up,
        practitioner=practitioner,
        earliest_on=day,
        latest_on=day + datetime.timedelta(days=2),
    )
    starts_at = scheduling.local_start(day=day, at=datetime.time(11), clinic=clinic)
    booked = scheduling.book_appointment(
        patient=PatientFactory(clinic=clinic),
        practitioner=practitioner,
        appointment_type=follow_up,
        starts_at=starts_at,
        by=front_desk,
    )
    mail.outbox.clear()
    scheduling.cancel_appointment(appointment=booked, by=front_desk, reason="Patient called to cancel")
    offer_mail = next(m for m in mail.outbox if m.to == ["wren@example.com"])
    link = re.search(r"/book/offer/[^/\s]+/", offer_mail.body).group(0)

    context, page = phone_page(browser, live_server)
    page.goto(link)
    expect(page.get_by_role("heading", name="A time for you")).to_be_visible()
    expect(page.locator("#offered")).to_contain_text("11:00")
    assert no_sideways_scroll(page)
    screenshot(page, "waitlist-offer-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Take this time").tap()
    expect(page.get_by_role("heading", name="Booked")).to_be_visible()
    screenshot(page, "waitlist-offer-phone-taken")
    taken = Appointment.objects.get(patient=waiting)
    assert taken.source == "waitlist"
    assert taken.starts_at == starts_at
    # The link, opened again, says the time is already booked.
    page.goto(link)
    expect(page.get_by_role("heading", name="This offer has ended")).to_be_visible()
    context.close()


def test_the_front_desk_sees_a_likely_duplicate_and_marks_it_looked_over(
    page, open_clinic, practitioner, front_desk, screenshot, axe_violations
):
    clinic, first, _follow_up = open_clinic
    on_record = PatientFactory(
        clinic=clinic, first_name="Nia", last_name="Brennan", date_of_birth=datetime.date(1988, 9, 14)
    )
    booking.book_online(
        clinic=clinic,
        appointment_type=first,
        practitioner=practitioner,
        starts_at=scheduling.local_start(
            day=timezone.localdate(timezone=clinic.tzinfo) + datetime.timedelta(days=2),
            at=datetime.time(10),
            clinic=clinic,
        ),
        first_name="Nia",
        last_name="Brennan",
        date_of_birth=datetime.date(1988, 9, 14),
        email="nia.new@example.com",
        phone="",
        by=booking.ONLINE,
    )
    sign_in(page, front_desk.email)
    page.goto("/book/online/")
    review = page.locator("#to-review")
    expect(review).to_contain_text(on_record.chart_number)
    expect(page.locator("#online-bookings")).to_contain_text("Booked online")
    screenshot(page, "online-bookings-to-review")
    assert axe_violations(page) == []
    review.get_by_role("button", name="Mark looked over").click()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    expect(page.locator("#online-bookings")).to_contain_text("Looked over")


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_whole_journey_on_a_phone_book_confirm_move_and_the_waitlist_takes_the_freed_time(
    browser, live_server, open_clinic, practitioner, front_desk, screenshot
):
    clinic, first, _follow_up = open_clinic
    day = timezone.localdate(timezone=clinic.tzinfo) + datetime.timedelta(days=2)
    wren = PatientFactory(clinic=clinic, first_name="Wren", email="wren@example.com")
    booking.join_waitlist(
        patient=wren, by=front_desk, appointment_type=first, practitioner=practitioner, earliest_on=day, latest_on=day
    )

    # A new patient books a first visit on her phone.
    context, page = phone_page(browser, live_server)
    page.goto(f"/book/{clinic.public_id}/")
    page.get_by_role("radio", name=re.compile("First visit")).tap()
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_role("button", name="Show free times").tap()
    page.locator("#book-details").get_by_role("radio").nth(1).tap()
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Brennan")
    page.get_by_label("Date of birth").fill("1988-09-14")
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Mobile phone").fill("+447911123457")
    page.get_by_role("button", name="Book this time").tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    freed = OnlineBooking.objects.get().appointment.starts_at

    # The confirmation carries the calendar file, the intake form and the care page.
    confirmation = next(m for m in mail.outbox if m.to == ["nia@example.com"] and "Your appointment on" in m.subject)
    assert confirmation.attachments[0][0].endswith(".ics")
    intake_url = re.search(r"intake form: (\S+)", confirmation.body).group(1)
    care_url = re.search(r"before it starts: (\S+)", confirmation.body).group(1)
    page.goto(_path(intake_url))
    expect(page.get_by_role("heading", name="Before your visit")).to_be_visible()
    screenshot(page, "journey-phone-intake")

    # She moves the visit from her care page to another time that day or later.
    page.goto(_path(care_url))
    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Move the visit of")).tap()
    expect(page.get_by_role("heading", name="Move your visit")).to_be_visible()
    later = page.get_by_role("radio").last
    later.tap()
    chosen = datetime.datetime.fromisoformat(later.get_attribute("value"))
    page.get_by_role("button", name="Move my visit").tap()
    expect(page.get_by_text(re.compile(r"^Your visit is moved to "))).to_be_visible()
    screenshot(page, "journey-phone-moved")
    nia = Appointment.objects.get(patient__first_name="Nia")
    assert nia.starts_at == chosen != freed
    context.close()

    # The freed time is offered to the patient on the waitlist, who takes it on her phone.
    offer_mail = next(m for m in mail.outbox if m.to == ["wren@example.com"])
    link = re.search(r"/book/offer/[^/\s]+/", offer_mail.body).group(0)
    context, page = phone_page(browser, live_server)
    page.goto(link)
    expect(page.get_by_role("heading", name="A time for you")).to_be_visible()
    page.get_by_role("button", name="Take this time").tap()
    expect(page.get_by_role("heading", name="Booked")).to_be_visible()
    screenshot(page, "journey-phone-waitlist-taken")
    taken = Appointment.objects.get(patient=wren)
    assert (taken.starts_at, taken.source) == (freed, "waitlist")
    context.close()
