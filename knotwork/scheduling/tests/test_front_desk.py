"""A calendar the front desk likes (issue 14): colours per type, the booking source, moving by drag or keyboard
(the move endpoint), the patient picker, repeating appointments and rooms that cannot be double-booked."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from knotwork.audit.models import AuditEntry
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.models import PatientStatus
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling import services
from knotwork.scheduling.models import (
    PALETTE,
    TEXT_COLOUR,
    Appointment,
    AppointmentBlock,
    AppointmentSource,
    AppointmentStatus,
    AppointmentType,
    Room,
    TypeColour,
)
from knotwork.scheduling.services import appointments as appointment_services
from knotwork.scheduling.tests.factories import MONDAY, AppointmentTypeFactory, at, book

pytestmark = pytest.mark.usefixtures("now", "hours")
CALENDAR = reverse("scheduling:calendar")
BOOK = reverse("scheduling:book")
SEARCH = reverse("scheduling:patient_search")
PROBLEM = "application/problem+json"


def move_url(appointment) -> str:
    return reverse("scheduling:move", args=[appointment.public_id])


def membership_id(user) -> str:
    return str(user.membership.public_id)


# --- colours -------------------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_palette_colour_keeps_the_text_readable_and_the_edge_visible():
    assert set(PALETTE) == set(TypeColour.values)
    css = (Path(settings.BASE_DIR) / "static/css/calendar.css").read_text()
    for key, (_label, fill, edge) in PALETTE.items():
        assert contrast(TEXT_COLOUR, fill) >= 7, key  # WCAG AAA for the block's text
        assert contrast(edge, fill) >= 3, key  # the edge is a visible boundary (WCAG 1.4.11)
        assert f".appt-colour-{key} {{ background: {fill}; border-left-color: {edge}; color: {TEXT_COLOUR}; }}" in css


def test_the_calendar_draws_each_block_in_its_types_colour_with_a_legend(
    front_desk_client, london, patient, practitioner
):
    first = AppointmentTypeFactory(clinic=london, name="First visit", duration_minutes=60, colour=TypeColour.ROSE)
    book(patient, practitioner, first, at(london, MONDAY, 10))
    for view in ("day", "week"):
        html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat(), "view": view}).content.decode()
        assert re.search(r'<a class="appt appt-colour-rose appt-booked', html), view
        assert '<span class="legend-swatch appt-colour-rose" aria-hidden="true"></span>First visit' in html
        assert "/static/css/calendar.css" in html
        assert "/static/js/calendar.js" in html


def test_the_owner_chooses_a_types_colour_on_the_types_page(owner_client, london):
    owner_client.post(reverse("scheduling:types"), {"name": "Review", "duration_minutes": "30", "colour": "purple"})
    review = AppointmentType.objects.get(clinic=london, name="Review")
    assert review.colour == "purple"
    url = reverse("scheduling:type_edit", args=[review.public_id])
    response = owner_client.post(
        url, {"name": "Review", "duration_minutes": "30", "colour": "green", "needs_room": "on", "is_active": "on"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.colour, review.needs_room) == ("green", True)
    html = owner_client.post(url, {"name": "Review", "duration_minutes": "30", "colour": "neon"}).content.decode()
    assert "Select a valid choice" in html
    assert AppointmentType.objects.get(pk=review.pk).colour == "green"  # nothing changed


def test_the_booking_source_shows_on_the_calendar_and_the_appointment_page(
    front_desk_client, london, patient, practitioner, treatment
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10), source=AppointmentSource.ONLINE)
    html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert '<span class="appt-badge">Booked online</span>' in html
    html = front_desk_client.get(appointment.get_absolute_url()).content.decode()
    assert "Booked online" in html
    waitlisted = book(PatientFactory(clinic=london), practitioner, treatment, at(london, MONDAY, 14), source="waitlist")
    assert "Taken from the waitlist" in front_desk_client.get(waitlisted.get_absolute_url()).content.decode()


# --- the move endpoint (drag and keyboard) -------------------------------------------------------------------


def test_the_move_endpoint_moves_an_appointment(front_desk_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.post(
        move_url(appointment), {"date": "2026-03-03", "time": "11:25", "practitioner": membership_id(practitioner)}
    )
    assert response.status_code == 200, response.content
    assert response.json()["detail"].startswith("Moved to Tuesday 3 March 2026 at 11:25")
    appointment.refresh_from_db()
    assert appointment.starts_at == at(london, MONDAY + datetime.timedelta(days=1), 11, 25)
    assert AppointmentBlock.objects.filter(appointment=appointment).count() == 9


def test_the_move_endpoint_moves_to_another_practitioner(
    front_desk_client, london, patient, practitioner, owner, treatment
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.post(
        move_url(appointment), {"date": "2026-03-02", "time": "10:00", "practitioner": membership_id(owner)}
    )
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.practitioner == owner


@pytest.mark.parametrize(
    ("day", "time", "words"),
    [
        ("2026-03-02", "10:30", "already has an appointment at 10:00"),  # a clash
        ("2026-03-02", "18:30", "outside"),  # outside working hours
        ("2026-03-07", "10:00", "outside"),  # a Saturday
    ],
)
def test_a_refused_move_answers_409_with_the_reason_and_changes_nothing(
    front_desk_client, london, patient, other_patient, practitioner, treatment, day, time, words
):
    book(other_patient, practitioner, treatment, at(london, MONDAY, 10))
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 14))
    response = front_desk_client.post(
        move_url(appointment), {"date": day, "time": time, "practitioner": membership_id(practitioner)}
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert words in response.json()["detail"]
    appointment.refresh_from_db()
    assert appointment.starts_at == at(london, MONDAY, 14)


def test_a_move_into_time_off_is_refused(front_desk_client, london, patient, practitioner, treatment):
    services.add_time_off(
        practitioner=practitioner,
        clinic=london,
        starts_at=at(london, MONDAY, 12),
        ends_at=at(london, MONDAY, 13),
        reason="Dentist",
        by=practitioner,
    )
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.post(
        move_url(appointment), {"date": "2026-03-02", "time": "12:05", "practitioner": membership_id(practitioner)}
    )
    assert response.status_code == 409
    assert "is away" in response.json()["detail"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"date": "2026-02-30", "time": "10:00"},
        {"date": "2026-03-02", "time": "25:00"},
        {"date": "2026-03-02", "time": "10:00", "practitioner": "not-a-uuid"},
        {"date": "9999-03-02", "time": "10:00"},
        {"date": "2026-03-02\x00", "time": "10:00"},
    ],
)
def test_bad_input_to_the_move_endpoint_is_a_422_and_changes_nothing(
    front_desk_client, london, patient, practitioner, treatment, data
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    data = {"practitioner": membership_id(practitioner), **data}
    response = front_desk_client.post(move_url(appointment), data)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"]
    appointment.refresh_from_db()
    assert appointment.starts_at == at(london, MONDAY, 10)


def test_a_move_off_the_grid_is_refused(front_desk_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.post(
        move_url(appointment), {"date": "2026-03-02", "time": "11:03", "practitioner": membership_id(practitioner)}
    )
    assert response.status_code == 409
    assert "5-minute mark" in response.json()["detail"]


def test_the_move_endpoint_of_another_clinics_appointment_is_404(
    practitioner_b_client, london, patient, practitioner, treatment
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    response = practitioner_b_client.post(move_url(appointment), {"date": "2026-03-03", "time": "10:00"})
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.starts_at == at(london, MONDAY, 10)


def test_the_move_endpoint_takes_posts_only(front_desk_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    assert front_desk_client.get(move_url(appointment)).status_code == 405


def test_a_cancelled_appointment_is_not_draggable_and_cannot_be_moved(
    front_desk_client, london, patient, practitioner, treatment
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    services.cancel_appointment(appointment=appointment, by=practitioner, reason="Unwell")
    html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert move_url(appointment) not in html
    response = front_desk_client.post(
        move_url(appointment), {"date": "2026-03-03", "time": "10:00", "practitioner": membership_id(practitioner)}
    )
    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]


def test_booked_blocks_carry_what_the_script_needs(front_desk_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert f'draggable="true" data-move-url="{move_url(appointment)}" data-date="2026-03-02" data-time="10:00"' in html
    assert 'data-minutes="45"' in html
    assert f'data-practitioner="{membership_id(practitioner)}"' in html
    assert 'id="calendar-keys"' in html
    assert 'aria-live="polite"' in html
    assert (
        f'data-drop data-date="2026-03-02" data-time="10:00" data-practitioner="{membership_id(practitioner)}"' in html
    )


# --- the patient picker ---------------------------------------------------------------------------------------


@pytest.fixture
def ada(london):
    return PatientFactory(
        clinic=london,
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=datetime.date(1980, 3, 14),
        phone="+44 20 7946 0123",
    )


@pytest.mark.parametrize(
    "query", ["Lovel", "ada lov", "1980-03-14", "14/03/1980", "03/14/1980", "14.03.1980", "7946 0123"]
)
def test_the_picker_finds_a_patient_by_name_date_of_birth_or_phone(front_desk_client, ada, query):
    response = front_desk_client.post(SEARCH, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-value="{ada.public_id}"' in html
    assert 'role="option"' in html


def test_the_picker_lists_no_other_clinics_patients_nor_discharged_ones(front_desk_client, ada, clinic_b, london):
    PatientFactory(clinic=clinic_b, first_name="Ada", last_name="Lovelock", date_of_birth=ada.date_of_birth)
    PatientFactory(clinic=london, first_name="Ada", last_name="Lovett", status=PatientStatus.DISCHARGED)
    html = front_desk_client.post(SEARCH, {"q": "Ada"}).content.decode()
    assert "Lovelace" in html
    assert "Lovelock" not in html
    assert "Lovett" not in html
    html = front_desk_client.post(SEARCH, {"q": "1980-03-14"}).content.decode()
    assert html.count('role="option"') == 1


def test_the_picker_records_each_patient_it_lists(front_desk_client, front_desk, ada):
    before = AuditEntry.objects.filter(object_pk=str(ada.pk), action=AuditEntry.Action.ACCESS).count()
    front_desk_client.post(SEARCH, {"q": "Lovelace"})
    entries = AuditEntry.objects.filter(object_pk=str(ada.pk), action=AuditEntry.Action.ACCESS)
    assert entries.count() == before + 1
    assert "booking patient picker" in str(entries.order_by("-pk").first().additional_data)


@pytest.mark.parametrize("query", ["", "a", "x" * 5000, "\x00", "%%%", "99/99/9999"])
def test_the_picker_survives_odd_input(front_desk_client, ada, query):
    response = front_desk_client.post(SEARCH, {"q": query})
    assert response.status_code == 200
    assert "Lovelace" not in response.content.decode()


def test_the_picker_takes_the_term_in_a_post_never_an_address(front_desk_client, ada):
    assert front_desk_client.get(SEARCH, {"q": "Lovelace"}).status_code == 405
    html = front_desk_client.get(BOOK).content.decode()
    assert f'data-search-url="{SEARCH}"' in html
    assert "Lovelace" not in html  # the empty form lists nobody


def test_the_picker_is_for_signed_in_staff_only(practitioner_b_client, ada):
    assert Client().post(SEARCH, {"q": "Lovelace"}).status_code == 302
    assert "Lovelace" not in practitioner_b_client.post(SEARCH, {"q": "Lovelace"}).content.decode()


def test_booking_without_choosing_a_patient_keeps_what_was_typed(front_desk_client, practitioner, treatment):
    response = front_desk_client.post(
        BOOK,
        {
            "patient_search": "Lovel",
            "practitioner": membership_id(practitioner),
            "appointment_type": str(treatment.public_id),
            "date": MONDAY.isoformat(),
            "time": "10:15",
            "notes": "Interpreter",
        },
    )
    html = response.content.decode()
    assert "Choose a patient: type a name" in html
    assert 'value="Lovel"' in html
    assert "Interpreter" in html
    assert not Appointment.objects.exists()


# --- repeating appointments -----------------------------------------------------------------------------------


def series_of(patient, practitioner, appointment_type, starts_at, **extra):
    return services.book_series(
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        starts_at=starts_at,
        by=practitioner,
        **{"every_weeks": 1, **extra},
    )


def test_a_series_books_every_n_weeks_at_the_same_clock_time(london, patient, practitioner, treatment):
    result = series_of(patient, practitioner, treatment, at(london, MONDAY, 10), every_weeks=2, count=4)
    assert [a.starts_at for a in result.appointments] == [
        at(london, MONDAY + datetime.timedelta(weeks=2 * n), 10) for n in range(4)
    ]
    # 30 March is after the clocks go forward in London: still 10:00 local.
    assert len({a.series for a in result.appointments}) == 1
    assert result.skipped == []


def test_a_series_until_a_date(london, patient, practitioner, treatment):
    result = series_of(patient, practitioner, treatment, at(london, MONDAY, 10), until=datetime.date(2026, 3, 23))
    assert len(result.appointments) == 4


def test_a_clashing_series_books_nothing_and_lists_the_clashing_dates(
    london, patient, other_patient, practitioner, treatment
):
    book(other_patient, practitioner, treatment, at(london, MONDAY + datetime.timedelta(weeks=2), 10))
    with pytest.raises(services.SeriesClashError) as refused:
        series_of(patient, practitioner, treatment, at(london, MONDAY, 10), count=4)
    assert [c.starts_at for c in refused.value.clashes] == [at(london, MONDAY + datetime.timedelta(weeks=2), 10)]
    assert "Monday 16 March 2026 at 10:00" in str(refused.value)
    assert not Appointment.objects.filter(patient=patient).exists()
    assert not AppointmentBlock.objects.filter(patient=patient).exists()


def test_a_series_may_skip_the_clashing_dates(london, patient, other_patient, practitioner, treatment):
    book(other_patient, practitioner, treatment, at(london, MONDAY + datetime.timedelta(weeks=2), 10))
    result = series_of(patient, practitioner, treatment, at(london, MONDAY, 10), count=4, skip_clashes=True)
    assert len(result.appointments) == 3
    assert [s.starts_at for s in result.skipped] == [at(london, MONDAY + datetime.timedelta(weeks=2), 10)]


@pytest.mark.parametrize(
    "extra",
    [
        {"count": 0},
        {"count": 53},
        {"every_weeks": 0, "count": 2},
        {"every_weeks": 13, "count": 2},
        {},
        {"count": 2, "until": datetime.date(2026, 4, 1)},
        {"until": datetime.date(2027, 6, 1)},
    ],
)
def test_a_series_out_of_bounds_is_refused(london, patient, practitioner, treatment, extra):
    with pytest.raises(ClinicRuleError):
        services.book_series(
            patient=patient,
            practitioner=practitioner,
            appointment_type=treatment,
            starts_at=at(london, MONDAY, 10),
            by=practitioner,
            **{"every_weeks": 1, **extra},
        )
    assert not Appointment.objects.exists()


def test_cancel_this_and_following(london, patient, practitioner, treatment):
    result = series_of(patient, practitioner, treatment, at(london, MONDAY, 10), count=4)
    cancelled = services.cancel_series(appointment=result.appointments[1], by=practitioner, reason="Moving away")
    assert len(cancelled) == 3
    statuses = [a.status for a in Appointment.objects.order_by("starts_at")]
    assert statuses == ["booked", "cancelled", "cancelled", "cancelled"]


def test_the_booking_form_books_a_series_or_lists_the_clashes(
    front_desk_client, london, patient, other_patient, practitioner, treatment
):
    book(other_patient, practitioner, treatment, at(london, MONDAY + datetime.timedelta(weeks=1), 10, 15))
    data = {
        "patient": str(patient.public_id),
        "practitioner": membership_id(practitioner),
        "appointment_type": str(treatment.public_id),
        "date": MONDAY.isoformat(),
        "time": "10:15",
        "repeat": "on",
        "every_weeks": "1",
        "repeat_count": "3",
    }
    html = front_desk_client.post(BOOK, data).content.decode()
    assert "1 of the dates cannot be booked, so none was" in html
    assert "<strong>Monday 9 March 2026 at 10:15</strong>" in html
    assert not Appointment.objects.filter(patient=patient).exists()
    response = front_desk_client.post(BOOK, {**data, "skip_clashes": "on"})
    assert response.status_code == 302
    assert Appointment.objects.filter(patient=patient).count() == 2
    html = front_desk_client.post(BOOK, {**data, "repeat_count": "", "repeat_until": ""}).content.decode()
    assert "Give either how many times or an end date" in html


def test_the_appointment_page_cancels_this_and_following(front_desk_client, london, patient, practitioner, treatment):
    result = series_of(patient, practitioner, treatment, at(london, MONDAY, 10), count=3)
    url = result.appointments[0].get_absolute_url()
    html = front_desk_client.get(url).content.decode()
    assert "Also cancel the 2 later appointments of this series" in html
    front_desk_client.post(url, {"action": "cancel", "cancel-reason": "Moving away", "cancel-following": "on"})
    assert not Appointment.objects.filter(status=AppointmentStatus.BOOKED).exists()


# --- rooms ------------------------------------------------------------------------------------------------------


@pytest.fixture
def room(london, owner):
    return services.create_room(clinic=london, name="Room 1", by=owner)


def test_a_room_cannot_be_double_booked(london, patient, other_patient, practitioner, owner, treatment, room):
    book(patient, practitioner, treatment, at(london, MONDAY, 10), room=room)
    with pytest.raises(ClinicRuleError, match="Room 1 is in use from 10:00 until 10:45"):
        book(other_patient, owner, treatment, at(london, MONDAY, 10, 30), room=room)
    # Another room, or none, at the same time is fine.
    other_room = services.create_room(clinic=london, name="Room 2", by=owner)
    book(other_patient, owner, treatment, at(london, MONDAY, 10, 30), room=other_room)


def test_the_database_refuses_a_room_double_booking_that_slipped_past_the_check(
    london, patient, other_patient, practitioner, owner, treatment, room, monkeypatch
):
    """Two bookings racing: the second's check ran before the first committed. The unique row refuses it."""
    book(patient, practitioner, treatment, at(london, MONDAY, 10), room=room)
    real = appointment_services._raise_if_clash
    calls = []

    def late_check(appointment):
        calls.append(appointment)
        if len(calls) > 2:  # the checks before the insert saw nothing; the one after the refusal sees the clash
            real(appointment)

    monkeypatch.setattr(appointment_services, "_raise_if_clash", late_check)
    with pytest.raises(ClinicRuleError, match="Room 1 is in use"):
        book(other_patient, owner, treatment, at(london, MONDAY, 10, 30), room=room)
    assert Appointment.objects.filter(patient=other_patient).count() == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentBlock.objects.create(
            clinic=london,
            appointment=Appointment.objects.get(patient=patient),
            practitioner=owner,
            patient=other_patient,
            room=room,
            starts_at=at(london, MONDAY, 10, 5),
        )


def test_a_type_that_needs_a_room_is_not_booked_without_one(london, patient, practitioner, treatment, room):
    treatment.needs_room = True
    treatment.save()
    with pytest.raises(ClinicRuleError, match="needs a room"):
        book(patient, practitioner, treatment, at(london, MONDAY, 10))
    assert book(patient, practitioner, treatment, at(london, MONDAY, 10), room=room).room == room


def test_an_inactive_room_or_another_clinics_room_is_refused(
    london, clinic_b, owner_b, patient, practitioner, treatment, room, owner
):
    services.update_room(room=room, name="Room 1", is_active=False, by=owner)
    with pytest.raises(ClinicRuleError, match="no longer in use"):
        book(patient, practitioner, treatment, at(london, MONDAY, 10), room=room)
    elsewhere = services.create_room(clinic=clinic_b, name="B room", by=owner_b)
    with pytest.raises(ClinicRuleError, match="room of this clinic"):
        book(patient, practitioner, treatment, at(london, MONDAY, 10), room=elsewhere)


def test_a_move_keeps_the_room_and_checks_it_again(
    front_desk_client, london, patient, other_patient, practitioner, owner, treatment, room
):
    book(other_patient, owner, treatment, at(london, MONDAY, 14), room=room)
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10), room=room)
    response = front_desk_client.post(
        move_url(appointment), {"date": "2026-03-02", "time": "14:15", "practitioner": membership_id(practitioner)}
    )
    assert response.status_code == 409
    assert "Room 1 is in use" in response.json()["detail"]
    moved = services.move_appointment(appointment=appointment, starts_at=at(london, MONDAY, 11), by=practitioner)
    assert moved.room == room
    assert set(AppointmentBlock.objects.filter(appointment=moved).values_list("room", flat=True)) == {room.pk}


def test_the_booking_form_reserves_a_room(front_desk_client, london, patient, practitioner, treatment, room):
    response = front_desk_client.post(
        BOOK,
        {
            "patient": str(patient.public_id),
            "practitioner": membership_id(practitioner),
            "appointment_type": str(treatment.public_id),
            "date": MONDAY.isoformat(),
            "time": "10:15",
            "room": str(room.public_id),
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.get().room == room
    html = front_desk_client.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert "Treatment · Room 1" in html


def test_only_the_owner_keeps_the_rooms(owner_client, client, front_desk, london):
    url = reverse("scheduling:rooms")
    response = owner_client.post(url, {"name": "Room 3", "is_active": "on"})
    assert response.status_code == 302
    room = Room.objects.get(clinic=london, name="Room 3")
    html = owner_client.post(url, {"name": "Room 3"}).content.decode()
    assert "already has a room with this name" in html
    assert "Room 3" in owner_client.get(url).content.decode()
    edit = reverse("scheduling:room_edit", args=[room.public_id])
    assert owner_client.post(edit, {"name": "Room 3 (upstairs)"}).status_code == 302
    room.refresh_from_db()
    assert (room.name, room.is_active) == ("Room 3 (upstairs)", False)
    client.force_login(front_desk)
    assert client.get(url).status_code == 403
    assert client.post(edit, {"name": "Hacked", "is_active": "on"}).status_code == 403


def test_the_appointment_page_moves_with_a_room_no_longer_in_use(
    front_desk_client, london, patient, practitioner, owner, treatment, room
):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10), room=room)
    services.update_room(room=room, name="Room 1", is_active=False, by=owner)
    response = front_desk_client.post(
        appointment.get_absolute_url(),
        {
            "action": "move",
            "move-date": "2026-03-02",
            "move-time": "11:00",
            "move-practitioner": membership_id(practitioner),
            "move-room": str(room.public_id),
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.room) == (at(london, MONDAY, 11), room)


def _queries_for_week(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(CALENDAR, {"date": MONDAY.isoformat(), "view": "week"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_week_costs_the_same_queries_with_colours_rooms_and_badges_for_more_appointments(
    front_desk_client, london, practitioner, owner, room
):
    types = [
        AppointmentTypeFactory(clinic=london, name=f"Type {c}", duration_minutes=30, colour=c)
        for c in ("rose", "blue", "amber")
    ]
    book(PatientFactory(clinic=london), practitioner, types[0], at(london, MONDAY, 9), room=room)
    _queries_for_week(front_desk_client)  # the first request of a session also saves the session
    few = _queries_for_week(front_desk_client)
    for n in range(12):
        day = MONDAY + datetime.timedelta(days=n % 5)
        book(
            PatientFactory(clinic=london),
            owner if n % 2 else practitioner,
            types[n % 3],
            at(london, day, 10 + n // 5),
            room=room if n % 2 else None,
            source="online" if n % 3 else "staff",
        )
    services.book_series(
        patient=PatientFactory(clinic=london),
        practitioner=practitioner,
        appointment_type=types[1],
        starts_at=at(london, MONDAY, 16),
        by=practitioner,
        every_weeks=1,
        count=2,
    )
    assert _queries_for_week(front_desk_client) == few


def test_without_the_script_find_lists_patients_to_choose_and_keeps_the_form(
    front_desk_client, ada, practitioner, treatment
):
    data = {
        "patient_search": "14/03/1980",
        "practitioner": membership_id(practitioner),
        "appointment_type": str(treatment.public_id),
        "date": MONDAY.isoformat(),
        "time": "10:15",
        "notes": "Interpreter",
    }
    html = front_desk_client.post(BOOK, {**data, "find_patient": "1"}).content.decode()
    assert f'name="choose_patient" value="{ada.public_id}"' in html
    assert "Interpreter" in html
    assert not Appointment.objects.exists()
    html = front_desk_client.post(BOOK, {**data, "choose_patient": str(ada.public_id)}).content.decode()
    assert f'<input type="hidden" name="patient" value="{ada.public_id}"' in html
    assert "Lovelace, Ada (" in html
    response = front_desk_client.post(BOOK, {**data, "patient": str(ada.public_id)})
    assert response.status_code == 302
    assert Appointment.objects.get().patient == ada
