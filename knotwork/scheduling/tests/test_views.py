import datetime
import re

import pytest
from django.urls import reverse

from conftest import sign_in
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling import services
from knotwork.scheduling.models import Appointment, AppointmentStatus, CalendarFeed, TimeOff, WorkingHours
from knotwork.scheduling.tests.factories import MONDAY, AppointmentTypeFactory, at, book

pytestmark = pytest.mark.usefixtures("now", "hours")
CALENDAR = reverse("scheduling:calendar")
BOOK = reverse("scheduling:book")


def membership_id(user) -> str:
    return str(user.membership.public_id)


def book_data(patient, practitioner, appointment_type, **extra) -> dict:
    return {
        "patient": str(patient.public_id),
        "practitioner": membership_id(practitioner),
        "appointment_type": str(appointment_type.public_id),
        "date": MONDAY.isoformat(),
        "time": "10:15",
        "notes": "",
        **extra,
    }


def test_calendar_day_shows_everyones_appointments_in_clinic_time(
    front_desk_client,
    london,
    patient,
    practitioner,
    owner,
    treatment,
    django_assert_max_num_queries,
    audit_write_queries,
):
    book(patient, practitioner, treatment, at(london, MONDAY, 10, 15))
    for n in range(3):
        book(PatientFactory(clinic=london), owner, treatment, at(london, MONDAY, 9 + n))
    with django_assert_max_num_queries(14 + audit_write_queries):
        response = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Monday 2 March 2026" in html
    assert "Times in Europe/London" in html
    assert "10:15\u201311:00" in html
    assert patient.display_name in html
    assert str(owner) in html
    assert str(practitioner) in html


def test_calendar_for_one_practitioner_and_the_week(
    practitioner_client, london, patient, practitioner, owner, treatment
):
    mine = book(patient, practitioner, treatment, at(london, MONDAY + datetime.timedelta(days=2), 14))
    theirs = book(PatientFactory(clinic=london), owner, treatment, at(london, MONDAY, 9))
    response = practitioner_client.get(
        CALENDAR, {"view": "week", "date": MONDAY.isoformat(), "practitioner": membership_id(practitioner)}
    )
    html = response.content.decode()
    assert "Week of Monday 2 March 2026" in html
    assert mine.patient.display_name in html
    assert theirs.patient.display_name not in html


def test_calendar_shows_local_time_after_the_clocks_change(front_desk_client, london, patient, practitioner, treatment):
    summer_monday = datetime.date(2026, 3, 30)
    book(patient, practitioner, treatment, at(london, summer_monday, 9))
    html = front_desk_client.get(CALENDAR, {"date": summer_monday.isoformat()}).content.decode()
    assert "09:00\u201309:45" in html


@pytest.mark.parametrize(
    "query",
    [{"date": "2026-02-30"}, {"date": "yesterday"}, {"view": "month"}, {"practitioner": "not-a-uuid"}, {"date": ""}],
)
def test_calendar_survives_bad_query_strings(front_desk_client, query):
    assert front_desk_client.get(CALENDAR, query).status_code == 200


def test_book_page_prefills_the_patient_from_the_chart(front_desk_client, patient):
    html = front_desk_client.get(BOOK, {"patient": str(patient.public_id)}).content.decode()
    assert f"Book an appointment for {patient.display_name}" in html
    assert re.search(rf'<input type="hidden" name="patient" value="{patient.public_id}"', html)
    assert f"{patient.last_name}, {patient.first_name} ({patient.chart_number}" in html  # the picker shows who


def test_book_page_ignores_a_patient_of_another_clinic(front_desk_client, clinic_b):
    other = PatientFactory(clinic=clinic_b)
    html = front_desk_client.get(BOOK, {"patient": str(other.public_id)}).content.decode()
    assert other.last_name not in html
    assert front_desk_client.get(BOOK, {"patient": "garbage", "time": "25:99"}).status_code == 200


def test_front_desk_books_and_lands_on_the_day(front_desk_client, london, patient, practitioner, treatment):
    response = front_desk_client.post(BOOK, book_data(patient, practitioner, treatment), follow=True)
    appointment = Appointment.objects.get()
    assert appointment.starts_at == at(london, MONDAY, 10, 15)
    assert appointment.booked_by.membership.role == "front_desk"
    html = response.content.decode()
    assert "Booked" in html
    assert "Monday 2 March 2026 at 10:15" in html
    assert "10:15\u201311:00" in html


def test_double_booking_in_the_form_says_why_and_keeps_the_input(
    front_desk_client, london, patient, other_patient, practitioner, treatment
):
    book(other_patient, practitioner, treatment, at(london, MONDAY, 10))
    data = book_data(patient, practitioner, treatment, notes="Needs ground floor")
    response = front_desk_client.post(BOOK, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "already has an appointment at 10:00" in html
    assert "Needs ground floor" in html
    assert 'value="10:15"' in html
    assert Appointment.objects.count() == 1


def test_outside_hours_needs_the_tick_and_then_warns(front_desk_client, london, patient, practitioner, treatment):
    data = book_data(patient, practitioner, treatment, time="18:00")
    assert "outside" in front_desk_client.post(BOOK, data).content.decode()
    response = front_desk_client.post(BOOK, {**data, "allow_outside_hours": "on"}, follow=True)
    assert "outside the practitioner&#x27;s working hours" in response.content.decode()
    assert Appointment.objects.get().outside_hours


def test_a_skipped_local_time_is_a_form_error(front_desk_client, london, patient, practitioner, treatment):
    data = book_data(patient, practitioner, treatment, date="2026-03-29", time="01:30")
    html = front_desk_client.post(BOOK, data).content.decode()
    assert "does not exist in Europe/London" in html


@pytest.mark.parametrize(
    "junk",
    [
        {"patient": ""},
        {"patient": "nope", "practitioner": "nope", "appointment_type": "nope", "date": "x", "time": "y"},
        {"date": "2026-13-01", "time": "10:07"},
        {"time": "10:07"},
    ],
)
def test_bad_booking_input_is_a_form_error_never_a_500(front_desk_client, patient, practitioner, treatment, junk):
    response = front_desk_client.post(BOOK, {**book_data(patient, practitioner, treatment), **junk})
    assert response.status_code == 200
    assert Appointment.objects.count() == 0


def test_appointment_page_moves_and_cancels(front_desk_client, london, patient, practitioner, owner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    url = appointment.get_absolute_url()
    html = front_desk_client.get(url).content.decode()
    assert "Start session" not in html  # front desk does not treat
    response = front_desk_client.post(
        url,
        {
            "action": "move",
            "move-date": MONDAY.isoformat(),
            "move-time": "14:30",
            "move-practitioner": membership_id(owner),
        },
        follow=True,
    )
    assert "Moved to Monday 2 March 2026 at 14:30" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.practitioner == owner
    html = front_desk_client.post(url, {"action": "cancel", "cancel-reason": ""}).content.decode()
    assert "This field is required" in html
    front_desk_client.post(url, {"action": "cancel", "cancel-reason": "Patient unwell"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    html = front_desk_client.post(url, {"action": "attended"}).content.decode()
    assert "cancelled; it cannot be marked" in html


def test_practitioner_sees_start_session_and_marks_attended(
    practitioner_client, london, patient, practitioner, treatment, time_machine
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    html = practitioner_client.get(appointment.get_absolute_url()).content.decode()
    assert reverse("treatment:start", args=[patient.public_id]) in html
    time_machine.move_to(at(london, MONDAY, 10, 30), tick=False)
    practitioner_client.force_login(practitioner)  # the idle sign-out saw the clock jump
    practitioner_client.post(appointment.get_absolute_url(), {"action": "attended"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED


def test_move_with_junk_is_a_form_error(front_desk_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.post(
        appointment.get_absolute_url(),
        {"action": "move", "move-date": "junk", "move-time": "", "move-practitioner": "x"},
    )
    assert response.status_code == 200
    assert 'value="junk"' in response.content.decode()
    assert front_desk_client.post(appointment.get_absolute_url(), {"action": "nonsense"}).status_code == 200


def test_appointment_ics_download(front_desk_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.get(reverse("scheduling:appointment_ics", args=[appointment.public_id]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "DTSTART:20260302T100000Z" in body
    assert london.name in body


def test_another_clinic_gets_404_for_appointments_and_time_off(
    practitioner_b_client, london, patient, practitioner, treatment
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    time_off = TimeOff.objects.create(
        clinic=london,
        practitioner=practitioner,
        starts_at=at(london, MONDAY, 12),
        ends_at=at(london, MONDAY, 13),
        created_by=practitioner,
    )
    assert practitioner_b_client.get(appointment.get_absolute_url()).status_code == 404
    assert practitioner_b_client.post(appointment.get_absolute_url(), {"action": "no_show"}).status_code == 404
    assert (
        practitioner_b_client.get(reverse("scheduling:appointment_ics", args=[appointment.public_id])).status_code
        == 404
    )
    assert (
        practitioner_b_client.post(reverse("scheduling:time_off_delete", args=[time_off.public_id])).status_code == 404
    )
    html = practitioner_b_client.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert patient.last_name not in html
    html = practitioner_b_client.get(
        reverse("scheduling:availability"), {"practitioner": membership_id(practitioner)}
    ).content.decode()
    assert str(practitioner) not in html


def test_a_practitioner_edits_their_own_hours_and_adds_time_off(practitioner_client, london, practitioner):
    url = reverse("scheduling:availability")
    data = (
        {"action": "hours"}
        | {f"wh-d{d}_1_starts": "08:00" for d in range(3)}
        | {f"wh-d{d}_1_ends": "16:00" for d in range(3)}
    )
    practitioner_client.post(url, data)
    assert WorkingHours.objects.filter(practitioner=practitioner).count() == 3
    bad = {"action": "hours", "wh-d0_1_starts": "10:00", "wh-d0_1_ends": "09:00", "wh-d1_1_starts": "09:00"}
    html = practitioner_client.post(url, bad).content.decode()
    assert "The end must be after the start." in html
    assert "Give both the start and the end." in html
    response = practitioner_client.post(
        url,
        {"action": "time_off", "off-starts_on": "2026-03-09", "off-ends_on": "2026-03-13", "off-reason": "Leave"},
        follow=True,
    )
    assert "Time off added." in response.content.decode()
    off = TimeOff.objects.get()
    assert off.starts_at == at(london, datetime.date(2026, 3, 9), 0)
    assert off.ends_at == at(london, datetime.date(2026, 3, 14), 0)
    html = practitioner_client.post(
        url, {"action": "time_off", "off-starts_on": "2026-03-09", "off-ends_on": "2026-03-01"}
    ).content.decode()
    assert "Time off must end after it starts." in html


def test_front_desk_sees_but_cannot_change_a_practitioners_hours(front_desk_client, practitioner):
    url = reverse("scheduling:availability")
    html = front_desk_client.get(url, {"practitioner": membership_id(practitioner)}).content.decode()
    assert "Save working hours" not in html
    front_desk_client.post(f"{url}?practitioner={membership_id(practitioner)}", {"action": "hours"})
    assert WorkingHours.objects.filter(practitioner=practitioner).count() == 5


def test_the_owner_edits_anyones_hours(owner_client, practitioner):
    url = f"{reverse('scheduling:availability')}?practitioner={membership_id(practitioner)}"
    owner_client.post(url, {"action": "hours", "wh-d5_1_starts": "09:00", "wh-d5_1_ends": "13:00"})
    assert list(WorkingHours.objects.filter(practitioner=practitioner).values_list("weekday", flat=True)) == [5]


def test_only_the_owner_manages_appointment_types(client, owner, practitioner, london):
    url = reverse("scheduling:types")
    client.force_login(practitioner)
    assert client.get(url).status_code == 403
    owner_client = client
    sign_in(owner_client, owner)
    owner_client.post(url, {"name": "First visit", "duration_minutes": "60", "is_active": "on"})
    response = owner_client.post(url, {"name": "Odd", "duration_minutes": "17"})
    assert response.status_code == 200, response
    html = response.content.decode()
    assert "multiple of 5" in html, re.findall(r'class="errors".*', html)
    html = owner_client.post(url, {"name": "First visit", "duration_minutes": "30"}).content.decode()
    assert "already has an appointment type with this name" in html
    first = london and AppointmentTypeFactory._meta.model.objects.get(name="First visit")
    owner_client.post(
        reverse("scheduling:type_edit", args=[first.public_id]), {"name": "First visit", "duration_minutes": "50"}
    )
    first.refresh_from_db()
    assert (first.duration_minutes, first.is_active) == (50, False)


def test_calendar_feed_is_shown_once_serves_chart_numbers_and_can_be_revoked(
    practitioner_client, client, london, patient, practitioner, treatment
):
    book(patient, practitioner, treatment, at(london, MONDAY, 10))
    url = reverse("scheduling:feed")
    html = practitioner_client.post(url, {"action": "create"}).content.decode()
    feed_url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', html).group(1)
    assert "/schedule/feed/" in feed_url
    assert feed_url not in practitioner_client.get(url).content.decode()
    client.logout()
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert patient.chart_number in body
    assert "Treatment" in body
    assert patient.last_name not in body
    assert patient.first_name not in body
    assert CalendarFeed.objects.get().last_used_at is not None
    practitioner_client.force_login(practitioner)
    practitioner_client.post(url, {"action": "revoke"})
    client.logout()
    assert client.get(feed_url).status_code == 404
    assert client.get(reverse("scheduling:feed_ics", args=["made-up-token"])).status_code == 404


def test_a_new_feed_url_stops_the_old_one(practitioner_client, client, practitioner):
    _old_feed, old_token = services.create_calendar_feed(practitioner=practitioner, by=practitioner)
    practitioner_client.post(reverse("scheduling:feed"), {"action": "create"})
    client.logout()
    assert client.get(reverse("scheduling:feed_ics", args=[old_token])).status_code == 404


def test_front_desk_has_no_calendar_feed(front_desk_client):
    assert front_desk_client.get(reverse("scheduling:feed")).status_code == 403


def test_signed_out_users_go_to_the_login(client):
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_show_free_times_keeps_the_choices_and_offers_times_that_fill_in(
    front_desk_client, london, patient, other_patient, practitioner, treatment
):
    book(other_patient, practitioner, treatment, at(london, MONDAY, 9))
    data = book_data(patient, practitioner, treatment, time="", notes="Wheelchair", find="1")
    response = front_desk_client.post(BOOK, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Free times, Monday 2 March" in html
    assert "Wheelchair" in html
    assert 'aria-label="Use 09:00"' not in html  # taken
    assert re.search(r'<button type="submit" form="book-form" name="use_time" value="09:45"', html)
    assert "?" not in re.search(r'<form method="post"[^>]*>', html).group(0)  # posts to itself, no query
    assert not Appointment.objects.filter(patient=patient).exists()
    # Choosing a free time posts the form back: the time is filled in, the notes stay, nothing is booked yet.
    chosen = {key: value for key, value in data.items() if key != "find"} | {"use_time": "09:45"}
    html = front_desk_client.post(BOOK, chosen).content.decode()
    assert 'value="09:45"' in html
    assert "Wheelchair" in html
    assert re.search(rf'<option value="{treatment.public_id}" selected>', html)
    assert re.search(rf'<input type="hidden" name="patient" value="{patient.public_id}"', html)
    assert f"{patient.last_name}, {patient.first_name} ({patient.chart_number}" in html  # the picker shows who
    assert not Appointment.objects.filter(patient=patient).exists()


def test_booking_notes_never_travel_in_an_address(front_desk_client, london, patient, practitioner, treatment):
    # An old link (or a hand-made one) with notes in its query string does not fill them in.
    page = front_desk_client.get(BOOK, {"patient": patient.public_id, "notes": "Interpreter: Polish"})
    assert "Interpreter: Polish" not in page.content.decode()
    # Free times are buttons of the form, not links that would carry what was typed.
    found = front_desk_client.post(BOOK, book_data(patient, practitioner, treatment, notes="Interpreter", find="1"))
    html = found.content.decode()
    assert "Interpreter" in html
    assert not re.search(r'href="[^"]*notes=', html)
    # After booking, the page the browser goes to names no note either.
    booked = front_desk_client.post(BOOK, book_data(patient, practitioner, treatment, notes="Interpreter"))
    assert booked.status_code == 302
    assert "notes" not in booked.url
    assert "Interpreter" not in booked.url
    assert Appointment.objects.get(patient=patient).notes == "Interpreter"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2300-01-01"])
def test_far_off_dates_are_refused_politely(front_desk_client, patient, practitioner, treatment, day):
    assert front_desk_client.get(CALENDAR, {"date": day, "view": "week"}).status_code == 200
    assert front_desk_client.get(BOOK, {"date": day}).status_code == 200
    response = front_desk_client.post(BOOK, book_data(patient, practitioner, treatment, date=day))
    assert "Please check the year" in response.content.decode()
    found = book_data(patient, practitioner, treatment, date=day, find="1")
    assert front_desk_client.post(BOOK, found).status_code == 200
    front_desk_client.force_login(practitioner)
    response = front_desk_client.post(
        reverse("scheduling:availability"), {"action": "time_off", "off-starts_on": day, "off-ends_on": day}
    )
    assert "Please check the year" in response.content.decode()


def test_booking_more_than_two_years_ahead_is_refused(front_desk_client, patient, practitioner, treatment):
    html = front_desk_client.post(BOOK, book_data(patient, practitioner, treatment, date="2029-03-05")).content.decode()
    assert "up to two years ahead" in html


def test_the_day_view_on_autumn_change_day_shows_the_repeated_hour_twice(front_desk_client, london, practitioner):
    from knotwork.scheduling.models import WorkingHours as Hours

    Hours.objects.create(
        clinic=london, practitioner=practitioner, weekday=6, starts=datetime.time(0, 30), ends=datetime.time(3)
    )
    html = front_desk_client.get(CALENDAR, {"date": "2026-10-25"}).content.decode()
    assert html.count(">01:30</th>") == 2
    html = front_desk_client.get(CALENDAR, {"date": "2026-03-29"}).content.decode()
    assert ">01:30</th>" not in html
    assert ">00:30</th>" in html
    assert ">02:00</th>" in html


def test_moving_a_cancelled_appointment_says_why(
    front_desk_client, london, patient, practitioner, front_desk, treatment
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    services.cancel_appointment(appointment=appointment, by=front_desk, reason="Patient called")
    data = {
        "action": "move",
        "move-date": MONDAY.isoformat(),
        "move-time": "11:00",
        "move-practitioner": membership_id(practitioner),
    }
    html = front_desk_client.post(appointment.get_absolute_url(), data).content.decode()
    assert "cancelled; it cannot be moved" in html


def test_everyones_day_leaves_out_who_is_not_working(front_desk_client, london, practitioner, owner):
    WorkingHours.objects.filter(practitioner=owner, weekday=0).delete()
    html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert f'<th scope="col">{practitioner}</th>' in html
    assert f'<th scope="col">{owner}</th>' not in html
    assert "Not working on Monday 2 March:" in html
    html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat(), "practitioner": membership_id(owner)})
    assert f'<th scope="col">{owner}</th>' in html.content.decode()
