"""The front desk moves appointments by dragging them or with the keyboard, sees the types' colours, and finds a
patient to book by typing a name, a date of birth or a phone number (desktop, 1280 px wide)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import _member
from knotwork.accounts.tests.factories import PASSWORD
from knotwork.clinics.models import Role
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import Appointment
from knotwork.scheduling.tests.factories import AppointmentTypeFactory, at, book, in_zone, weekday_hours
from tests.browser.test_patient_registration import sign_in
from tests.browser.test_sign_in_security import code_now

pytestmark = pytest.mark.django_db(transaction=True)


def drop_at(page, chip, cell, minutes_into_row: int) -> None:
    """Drag `chip` onto `cell` at the height that means `minutes_into_row` of its 30 minutes, with the mouse."""
    cell.scroll_into_view_if_needed()  # both in the viewport: a drag cannot scroll the page
    chip.scroll_into_view_if_needed()
    start = chip.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    box = cell.bounding_box()
    x, y = box["x"] + 12, box["y"] + box["height"] * (minutes_into_row + 1) / 30
    page.mouse.move(x, y - 5, steps=4)
    page.mouse.move(x, y)
    page.mouse.up()


def test_drag_and_keyboard_move_with_colours(page, clinic_a, front_desk, practitioner, screenshot, axe_violations):
    clinic = in_zone(clinic_a)
    weekday_hours(clinic, practitioner, starts=datetime.time(8), ends=datetime.time(18), days=range(7))
    treatment = AppointmentTypeFactory(clinic=clinic, name="Treatment", duration_minutes=45, colour="rose")
    ada = PatientFactory(clinic=clinic, first_name="Ada", last_name="Lovelace")
    tomas = PatientFactory(clinic=clinic, first_name="Tomas", last_name="Berg")
    tomorrow = timezone.now().astimezone(clinic.tzinfo).date() + datetime.timedelta(days=1)
    visit = book(ada, practitioner, treatment, at(clinic, tomorrow, 10))
    book(tomas, practitioner, treatment, at(clinic, tomorrow, 12, 30), source="online")
    column = practitioner.membership.public_id

    sign_in(page, front_desk.email)
    page.goto(f"/schedule/?view=day&date={tomorrow.isoformat()}")
    table = page.get_by_role("table")
    chip = table.get_by_role("link", name=re.compile("Ada Lovelace"))
    expect(chip).to_have_class(re.compile(r"appt-colour-rose"))
    expect(page.get_by_role("list", name="Appointment types by colour")).to_contain_text("Treatment")
    expect(table.get_by_role("link", name=re.compile("Tomas Berg"))).to_contain_text("Booked online")
    assert not axe_violations(page)
    screenshot(page, "calendar-colours")

    # Drag to 11:15 (the 11:00 row, halfway down).
    drop_at(page, chip, page.locator(f'td[data-time="11:00"][data-practitioner="{column}"]'), 15)
    # The move is said in the live region, then the page reloads and shows it as its message.
    expect(page.locator("div.messages")).to_contain_text("Moved to")
    expect(page.locator("div.messages")).to_contain_text("11:15")
    chip = page.get_by_role("table").get_by_role("link", name=re.compile("Ada Lovelace"))
    expect(chip).to_contain_text("11:15\u201312:00")
    visit.refresh_from_db()
    assert visit.starts_at == at(clinic, tomorrow, 11, 15)
    screenshot(page, "calendar-dragged")

    # A drag onto Tomas Berg's time is refused: the block goes back and the reason is read out.
    drop_at(page, chip, page.locator(f'td[data-time="12:30"][data-practitioner="{column}"]'), 5)
    status = page.locator("#calendar-status")
    expect(status).to_contain_text("Not moved")
    expect(status).to_contain_text("already has an appointment at 12:30")
    expect(page.locator(f'td[data-time="11:00"][data-practitioner="{column}"]')).to_contain_text("Ada Lovelace")
    expect(chip).to_contain_text("11:15\u201312:00")
    screenshot(page, "calendar-drag-refused")
    visit.refresh_from_db()
    assert visit.starts_at == at(clinic, tomorrow, 11, 15)

    # The keyboard: M, then Down three times (15 minutes later), Enter.
    chip.focus()
    page.keyboard.press("m")
    expect(status).to_contain_text("Arrow keys change it")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(status).to_contain_text("at 11:30")
    expect(chip).to_contain_text("11:30")
    screenshot(page, "calendar-keyboard-moving")
    page.keyboard.press("Enter")
    expect(page.locator("div.messages")).to_contain_text("11:30")  # after the reload
    visit.refresh_from_db()
    assert visit.starts_at == at(clinic, tomorrow, 11, 30)

    # Escape leaves it where it was.
    chip = page.get_by_role("table").get_by_role("link", name=re.compile("Ada Lovelace"))
    chip.focus()
    page.keyboard.press("m")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    expect(page.locator("#calendar-status")).to_contain_text("Move cancelled")
    expect(chip).to_contain_text("11:30\u201312:15")

    # The week: drag to the next day, same time.
    page.get_by_role("link", name="Week", exact=True).click()
    chip = page.get_by_role("table").get_by_role("link", name=re.compile("Ada Lovelace"))
    day_after = tomorrow + datetime.timedelta(days=1)
    target = page.locator(f'td[data-date="{day_after.isoformat()}"][data-practitioner="{column}"]')
    if target.count():  # tomorrow may be the last day of the week shown
        drop_at(page, chip, target, 0)
        expect(page.locator("div.messages")).to_contain_text("11:30")  # after the reload
        visit.refresh_from_db()
        assert visit.starts_at == at(clinic, day_after, 11, 30)
        screenshot(page, "calendar-week-dragged")


def test_the_patient_picker_finds_by_date_of_birth_and_books(
    page, clinic_a, clinic_b, front_desk, practitioner, screenshot, axe_violations
):
    clinic = in_zone(clinic_a)
    weekday_hours(clinic, practitioner, starts=datetime.time(8), ends=datetime.time(18), days=range(7))
    AppointmentTypeFactory(clinic=clinic, name="Treatment", duration_minutes=45)
    ada = PatientFactory(
        clinic=clinic, first_name="Ada", last_name="Lovelace", date_of_birth=datetime.date(1980, 3, 14)
    )
    PatientFactory(clinic=clinic_b, first_name="Ada", last_name="Otherclinic", date_of_birth=datetime.date(1980, 3, 14))
    tomorrow = timezone.now().astimezone(clinic.tzinfo).date() + datetime.timedelta(days=1)

    sign_in(page, front_desk.email)
    page.goto("/schedule/book/")
    picker = page.get_by_role("combobox", name="Patient")
    picker.fill("14/03/1980")
    options = page.get_by_role("listbox", name="Matching patients").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Lovelace, Ada")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert not axe_violations(page)
    screenshot(page, "booking-patient-picker")
    page.keyboard.press("Enter")
    expect(picker).to_have_value(re.compile(r"^Lovelace, Ada \("))
    expect(page.locator('input[name="patient"]')).to_have_value(str(ada.public_id))
    assert "1980" not in page.url  # the search went in a post

    page.get_by_label("Practitioner").select_option(str(practitioner.membership.public_id))
    page.get_by_label("Appointment type").select_option(label="Treatment (45 min)")
    page.locator("#id_date").fill(tomorrow.isoformat())
    page.get_by_role("textbox", name="Time").fill("09:30")
    page.get_by_label("Repeat this appointment").check()
    page.get_by_label("Times in all").fill("3")
    screenshot(page, "booking-repeat")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked Ada Lovelace 3 times")).to_be_visible()
    assert Appointment.objects.filter(patient=ada).count() == 3
    assert len({a.series for a in Appointment.objects.filter(patient=ada)}) == 1


def test_the_owner_colours_a_type_and_adds_a_room(page, clinic_a, owner, practitioner, screenshot, axe_violations):
    clinic = in_zone(clinic_a)
    weekday_hours(clinic, practitioner, starts=datetime.time(8), ends=datetime.time(18), days=range(7))
    AppointmentTypeFactory(clinic=clinic, name="Treatment", duration_minutes=45)
    ada = PatientFactory(clinic=clinic, first_name="Ada", last_name="Lovelace")
    tomorrow = timezone.now().astimezone(clinic.tzinfo).date() + datetime.timedelta(days=1)

    page.goto("/accounts/login/")  # an owner signs in with the password and the authenticator code
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    page.goto("/schedule/")
    page.get_by_role("link", name="Rooms").click()
    page.get_by_label("Name").fill("Room 1")
    page.get_by_role("button", name="Add room").click()
    expect(page.get_by_text("Room added.")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "rooms")

    page.goto("/schedule/types/")
    page.get_by_role("link", name="Edit Treatment").click()
    page.get_by_role("radio", name="Purple").check()
    page.get_by_label("Needs a room").check()
    assert not axe_violations(page)
    screenshot(page, "appointment-type-colour")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name=re.compile("Treatment"))).to_contain_text("Purple")

    page.goto(f"/schedule/book/?patient={ada.public_id}")
    page.get_by_label("Practitioner").select_option(str(practitioner.membership.public_id))
    page.get_by_label("Appointment type").select_option(label="Treatment (45 min)")
    page.locator("#id_date").fill(tomorrow.isoformat())
    page.get_by_role("textbox", name="Time").fill("10:00")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.locator(".form-errors")).to_contain_text("needs a room")
    page.get_by_label("Room").select_option(label="Room 1")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked Ada Lovelace")).to_be_visible()
    chip = page.get_by_role("table").get_by_role("link", name=re.compile("Ada Lovelace"))
    expect(chip).to_have_class(re.compile("appt-colour-purple"))
    expect(chip).to_contain_text("Treatment · Room 1")
    chip.click()
    expect(page.get_by_role("definition").filter(has_text="Room 1")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "appointment-with-room")


def test_a_large_clinic_is_shown_a_group_of_practitioners_at_a_time(
    page, clinic_a, front_desk, screenshot, axe_violations
):
    clinic = in_zone(clinic_a)
    treatment = AppointmentTypeFactory(clinic=clinic, name="Treatment", duration_minutes=45)
    tomorrow = timezone.now().astimezone(clinic.tzinfo).date() + datetime.timedelta(days=1)
    staff = []
    for n in range(12):
        user = _member(clinic, Role.PRACTITIONER, f"p{n:02d}@a.example.com")
        user.first_name, user.last_name = "Pat", f"Staff {n:02d}"
        user.save(update_fields=["first_name", "last_name"])
        weekday_hours(clinic, user, days=range(7))
        staff.append(user)
    early = PatientFactory(clinic=clinic, first_name="Ines", last_name="Early")
    late = PatientFactory(clinic=clinic, first_name="Lars", last_name="Late")
    book(early, staff[0], treatment, at(clinic, tomorrow, 10))
    book(late, staff[11], treatment, at(clinic, tomorrow, 11))

    sign_in(page, front_desk.email)
    page.goto(f"/schedule/?view=week&date={tomorrow.isoformat()}")
    groups = page.get_by_role("navigation", name="Groups of practitioners")
    expect(groups).to_contain_text("12 practitioners: the calendar shows 8 at a time.")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader")).to_have_count(8)
    expect(table).to_contain_text("Ines Early")
    expect(table).not_to_contain_text("Lars Late")
    assert not axe_violations(page)
    screenshot(page, "calendar-groups-first")

    second = groups.get_by_role("link", name="Pat Staff 08 \u2013 Pat Staff 11")
    second.click()
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_count(4)
    expect(page.get_by_role("table")).to_contain_text("Lars Late")
    # The next week keeps the group.
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_count(4)
    expect(second).to_have_attribute("aria-current", "page")
    screenshot(page, "calendar-groups-second")
