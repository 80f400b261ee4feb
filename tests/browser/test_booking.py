"""Front desk books, moves and cancels from the calendar."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.tests.factories import AppointmentTypeFactory, at, book, in_zone, weekday_hours
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_front_desk_books_moves_and_cancels(page, clinic_a, front_desk, practitioner, screenshot, axe_violations):
    clinic = in_zone(clinic_a)
    weekday_hours(clinic, practitioner, starts=datetime.time(8), ends=datetime.time(18), days=range(7))
    AppointmentTypeFactory(clinic=clinic, name="First visit", duration_minutes=60)
    treatment = AppointmentTypeFactory(clinic=clinic, name="Treatment", duration_minutes=45)
    elin = PatientFactory(clinic=clinic, first_name="Elin", last_name="Sandqvist")
    other = PatientFactory(clinic=clinic, first_name="Tomas", last_name="Berg")
    tomorrow = timezone.now().astimezone(clinic.tzinfo).date() + datetime.timedelta(days=1)
    book(other, practitioner, treatment, at(clinic, tomorrow, 14))

    sign_in(page, front_desk.email)
    page.goto("/schedule/")
    expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
    expect(page.get_by_text("Times in Europe/London")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "calendar-today")

    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("combobox", name="Patient").fill("Sandq")
    page.get_by_role("option", name=re.compile("Sandqvist, Elin")).click()
    page.get_by_label("Practitioner").select_option(str(practitioner.membership.public_id))
    page.get_by_label("Appointment type").select_option(label="Treatment (45 min)")
    page.locator("#id_date").fill(tomorrow.isoformat())
    page.get_by_label("Notes").fill("Interpreter: Swedish")
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_role("heading", name="Free times")).to_be_visible()
    expect(page.get_by_role("button", name="Use 14:00")).to_have_count(0)  # Tomas Berg has it
    page.get_by_role("button", name="Use 10:00").click()
    expect(page.get_by_role("textbox", name="Time")).to_have_value("10:00")
    expect(page.locator('input[name="patient"]')).to_have_value(str(elin.public_id))
    expect(page.get_by_role("combobox", name="Patient")).to_have_value(re.compile("^Sandqvist, Elin"))
    expect(page.get_by_label("Notes")).to_have_value("Interpreter: Swedish")
    assert "Interpreter" not in page.url  # the note went in the post, not the address
    assert not axe_violations(page)
    screenshot(page, "booking-form")
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_text("Booked Elin Sandqvist")).to_be_visible()
    assert "Interpreter" not in page.url
    day = page.get_by_role("table")
    expect(day.get_by_role("link", name="Elin Sandqvist")).to_contain_text("10:00")
    expect(day.get_by_role("link", name="Tomas Berg")).to_contain_text("14:00")
    screenshot(page, "calendar-booked")

    day.get_by_role("link", name="Elin Sandqvist").click()
    expect(page.get_by_role("heading", name="Treatment: Elin Sandqvist")).to_be_visible()
    expect(page.get_by_role("link", name="Start session")).to_have_count(0)
    page.get_by_text("Move to another time").click()
    page.get_by_label("New time").fill("11:30")
    page.get_by_role("button", name="Move the appointment").click()
    expect(page.get_by_text("Moved to")).to_contain_text("11:30")

    page.get_by_role("link", name="← Calendar").click()
    page.get_by_role("table").get_by_role("link", name="Tomas Berg").click()
    page.get_by_text("Cancel this appointment").click()
    page.get_by_label("Reason for cancelling").fill("Patient unwell, will call back")
    assert not axe_violations(page)
    screenshot(page, "appointment-cancel")
    page.get_by_role("button", name="Cancel the appointment").click()
    expect(page.get_by_text("Appointment cancelled")).to_be_visible()

    page.get_by_role("link", name="← Calendar").click()
    day = page.get_by_role("table")
    expect(day.get_by_role("link", name="Elin Sandqvist")).to_contain_text("11:30")
    expect(day.get_by_role("link", name="Tomas Berg")).to_contain_text("Cancelled")
    screenshot(page, "calendar-after-changes")
    page.get_by_role("link", name="Week").click()
    expect(page.get_by_role("table").get_by_role("link", name="Elin Sandqvist")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "calendar-week")


def test_a_practitioner_sets_working_hours_and_time_off(page, clinic_a, practitioner, screenshot, axe_violations):
    in_zone(clinic_a)
    sign_in(page, practitioner.email)
    page.goto("/schedule/")
    page.get_by_role("link", name="Working hours and time off").click()
    expect(page.get_by_role("heading", name=f"Working hours and time off: {practitioner}")).to_be_visible()
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(f"{day} from", exact=True).fill("09:00")
        page.get_by_label(f"{day} to", exact=True).fill("12:30")
        page.get_by_label(f"{day}, second stretch from").fill("13:30")
        page.get_by_label(f"{day}, second stretch to").fill("17:00")
    page.get_by_role("button", name="Save working hours").click()
    expect(page.get_by_text("Working hours saved.")).to_be_visible()
    expect(page.get_by_label("Monday, second stretch to")).to_have_value("17:00")

    next_week = timezone.now().astimezone(clinic_a.tzinfo).date() + datetime.timedelta(days=7)
    page.get_by_label("From (date)").fill(next_week.isoformat())
    page.get_by_label("Until (date)").fill((next_week + datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Reason").fill("Course on dry needling")
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Time off added.")).to_be_visible()
    expect(page.get_by_text("Course on dry needling")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "availability")

    page.goto("/schedule/")
    page.get_by_role("link", name="My calendar feed").click()
    page.get_by_role("button", name="Make a feed URL").click()
    address = page.get_by_label("Feed URL")
    expect(address).to_have_value(re.compile(r"/schedule/feed/.+\.ics$"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
    feed = page.request.get(address.input_value())
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    screenshot(page, "calendar-feed")
    page.get_by_role("button", name="Revoke the feed").click()
    expect(page.get_by_text("Calendar feed revoked.")).to_be_visible()
