"""The public booking page (rules, honeypot, rate limit, a time taken meanwhile, the same answer for known and new
visitors), the offer page, and the staff pages."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from knotwork.audit.models import AuditEntry
from knotwork.booking import services
from knotwork.booking.models import OnlineBooking, WaitlistEntry, WaitlistOffer, offer_token
from knotwork.booking.tests.conftest import MONDAY
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.selectors import list_upcoming_for_patient
from knotwork.scheduling.tests.factories import at

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def page(clinic):
    return reverse("booking:book", args=[clinic.public_id])


def post_data(appointment_type, membership, starts_at, **changes):
    data = {
        "type": str(appointment_type.public_id),
        "who": "any",
        "day": MONDAY.isoformat(),
        "time": f"{membership.public_id}|{starts_at.astimezone(datetime.UTC).isoformat()}",
        "first_name": "Ada",
        "last_name": "Okafor",
        "date_of_birth": "1980-05-17",
        "email": "ada@example.com",
        "phone": "+447911123456",
        "website": "",
    }
    return {**data, **changes}


def test_the_page_lists_free_times_without_sign_in(client, booking_settings, london, first_visit):
    response = client.get(page(london), {"type": first_visit.public_id, "who": "any", "day": MONDAY.isoformat()})
    assert response.status_code == 200
    text = response.content.decode()
    assert "10:00" in text
    assert "Book this time" in text


def test_the_page_may_be_framed_by_other_sites_and_other_pages_may_not(client, owner_client, booking_settings, london):
    response = client.get(page(london))
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    other = owner_client.get(reverse("booking:settings"))
    assert other["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_a_closed_clinic_says_to_call(client, london, owner, hours, first_visit):
    response = client.get(page(london))
    assert response.status_code == 200
    assert "not taking bookings online" in response.content.decode()


def test_an_unknown_clinic_is_a_404(client, db):
    assert client.get("/book/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/book/not-a-clinic/").status_code == 404


def test_a_visitor_books_and_a_known_and_a_new_visitor_read_the_same_words(
    client, booking_settings, london, practitioner, first_visit, known_patient
):
    membership = practitioner.membership
    known = client.post(page(london), post_data(first_visit, membership, at(london, MONDAY, 10)))
    new = client.post(
        page(london),
        post_data(first_visit, membership, at(london, MONDAY, 12), first_name="Bea", email="bea@example.com"),
    )
    assert known.status_code == new.status_code == 200

    def words(response):
        text = re.sub(r"<div class=\"chosen\".*?</div>", "", response.content.decode(), flags=re.S)
        return re.sub(r"\s+", " ", text)

    assert words(known) == words(new)
    assert OnlineBooking.objects.get(patient=known_patient).new_patient is False
    assert OnlineBooking.objects.filter(new_patient=True).count() == 1


def test_the_honeypot_books_nothing_and_says_thank_you(client, booking_settings, london, practitioner, first_visit):
    response = client.post(
        page(london), post_data(first_visit, practitioner.membership, at(london, MONDAY, 10), website="http://spam")
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not OnlineBooking.objects.exists()
    assert not Patient.objects.filter(clinic=london).exists()


def test_a_time_taken_meanwhile_keeps_what_was_typed(client, booking_settings, london, practitioner, first_visit):
    starts_at = at(london, MONDAY, 10)
    services.book_online(
        clinic=london,
        appointment_type=first_visit,
        practitioner=practitioner,
        starts_at=starts_at,
        first_name="Cy",
        last_name="First",
        date_of_birth=datetime.date(1970, 1, 1),
        email="cy@example.com",
        phone="",
        by=services.ONLINE,
    )
    response = client.post(page(london), post_data(first_visit, practitioner.membership, starts_at))
    text = response.content.decode()
    assert response.status_code == 200
    assert "no longer free" in text or "just taken" in text
    assert 'value="Okafor"' in text
    assert 'value="ada@example.com"' in text
    assert OnlineBooking.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "not-an-email"},
        {"date_of_birth": "2999-01-01"},
        {"date_of_birth": "yesterday"},
        {"phone": "12"},
        {"first_name": "Ada\x00"},
        {"time": "garbage"},
        {"type": "not-a-uuid"},
        {"day": "1999-01-01"},
        {"first_name": "x" * 5000},
    ],
)
def test_bad_input_is_explained_and_books_nothing(client, booking_settings, london, practitioner, first_visit, changes):
    response = client.post(
        page(london), post_data(first_visit, practitioner.membership, at(london, MONDAY, 10), **changes)
    )
    assert response.status_code == 200
    assert not OnlineBooking.objects.exists()
    assert 'class="errors"' in response.content.decode() or "form-errors" in response.content.decode()


def test_the_rate_limit_refuses_the_eleventh_attempt_from_one_address(
    client, settings, booking_settings, london, practitioner, first_visit
):
    settings.BOOKING_RATE_LIMIT = 3
    data = post_data(first_visit, practitioner.membership, at(london, MONDAY, 10), email="bad")
    for _ in range(3):
        assert client.post(page(london), data).status_code == 200
    refused = client.post(page(london), post_data(first_visit, practitioner.membership, at(london, MONDAY, 10)))
    assert refused.status_code == 429
    assert "Too many booking attempts" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert not OnlineBooking.objects.exists()


def test_the_clinic_wide_limit_counts_every_address(
    client, settings, booking_settings, london, practitioner, first_visit
):
    settings.BOOKING_CLINIC_RATE_LIMIT = 2
    data = post_data(first_visit, practitioner.membership, at(london, MONDAY, 10), email="bad")
    client.post(page(london), data, REMOTE_ADDR="10.0.0.1")
    client.post(page(london), data, REMOTE_ADDR="10.0.0.2")
    assert client.post(page(london), data, REMOTE_ADDR="10.0.0.3").status_code == 429


# --- staff pages --------------------------------------------------------------------------------------------------


def test_the_front_desk_sees_the_duplicate_flag_and_marks_it_looked_over(
    front_desk_client, front_desk, booking_settings, london, practitioner, first_visit, known_patient
):
    booking = services.book_online(
        clinic=london,
        appointment_type=first_visit,
        practitioner=practitioner,
        starts_at=at(london, MONDAY, 10),
        first_name="Ada",
        last_name="Okafor",
        date_of_birth=known_patient.date_of_birth,
        email="another@example.com",
        phone="",
        by=services.ONLINE,
    )
    response = front_desk_client.get(reverse("booking:online"))
    text = response.content.decode()
    assert "Possible duplicate" in text
    assert known_patient.chart_number in text
    assert "Booked online" in text
    assert AuditEntry.objects.filter(object_pk=str(known_patient.pk), action=AuditEntry.Action.ACCESS).exists()
    calendar = front_desk_client.get(reverse("scheduling:calendar")).content.decode()
    assert "1 to review" in calendar  # the calendar's link to the list says one is waiting
    front_desk_client.post(reverse("booking:reviewed", args=[booking.public_id]))
    booking.refresh_from_db()
    assert booking.reviewed_by == front_desk
    assert "to review" not in front_desk_client.get(reverse("scheduling:calendar")).content.decode()


def test_the_front_desk_cannot_open_the_settings(front_desk_client, london):
    assert front_desk_client.get(reverse("booking:settings")).status_code == 403


def test_the_owner_sets_online_booking_up(owner_client, london, first_visit):
    response = owner_client.get(reverse("booking:settings"))
    assert response.status_code == 200
    assert "&lt;iframe src=" in response.content.decode()
    saved = owner_client.post(
        reverse("booking:settings"),
        {
            "is_open": "on",
            "bookable_types": [first_visit.pk],
            "first_visit_first": "on",
            "first_visit_types": [first_visit.pk],
            "notice_hours": 6,
            "horizon_days": 30,
            "buffer_minutes": 10,
            "offer_hold_minutes": 90,
        },
    )
    assert saved.status_code == 302
    refused = owner_client.post(reverse("booking:settings"), {"is_open": "on", "notice_hours": "-1"})
    assert refused.status_code == 200
    assert "errors" in refused.content.decode()


def test_the_front_desk_adds_and_removes_a_waitlist_entry(front_desk_client, london, follow_up, known_patient):
    response = front_desk_client.post(
        reverse("booking:waitlist"),
        {
            "patient": known_patient.public_id,
            "appointment_type": follow_up.public_id,
            "practitioner": "",
            "earliest_on": MONDAY.isoformat(),
            "latest_on": (MONDAY + datetime.timedelta(days=5)).isoformat(),
            "day_starts": "08:00",
            "day_ends": "12:00",
            "note": "Mornings only",
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert "1 waiting" in front_desk_client.get(reverse("scheduling:calendar")).content.decode()
    listed = front_desk_client.get(reverse("booking:waitlist"))
    assert known_patient.chart_number in listed.content.decode()
    front_desk_client.post(reverse("booking:waitlist_remove", args=[entry.public_id]))
    entry.refresh_from_db()
    assert entry.status == "removed"


def test_a_backwards_waitlist_range_is_explained(front_desk_client, london, follow_up, known_patient):
    response = front_desk_client.post(
        reverse("booking:waitlist"),
        {
            "patient": known_patient.public_id,
            "appointment_type": follow_up.public_id,
            "earliest_on": "2026-03-10",
            "latest_on": "2026-03-02",
            "day_starts": "12:00",
            "day_ends": "08:00",
        },
    )
    assert response.status_code == 200
    assert "on or after the first" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


# --- the offer page ------------------------------------------------------------------------------------------------


def test_the_offer_page_takes_the_time(client, booking_settings, london, owner, practitioner, follow_up, known_patient):
    waiting = PatientFactory(clinic=london, first_name="Wren")
    services.join_waitlist(patient=waiting, by=owner, appointment_type=follow_up, earliest_on=MONDAY, latest_on=MONDAY)
    starts_at = at(london, MONDAY, 11)
    offer = services.offer_waitlist_time(
        clinic=london,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=starts_at + follow_up.duration,
        by=services.WAITLIST,
    )
    url = reverse("booking:offer", args=[offer_token(offer)])
    shown = client.get(url)
    assert "Take this time" in shown.content.decode()
    assert AuditEntry.objects.filter(object_pk=str(waiting.pk), action=AuditEntry.Action.ACCESS).exists()
    taken = client.post(url)
    assert "Booked" in taken.content.decode()
    assert list_upcoming_for_patient(waiting, now=starts_at).get().source == "waitlist"
    again = client.get(url)
    assert "it is booked" in again.content.decode()


def test_a_wrong_offer_link_is_a_404_and_guessing_is_limited(client, settings, db):
    settings.BOOKING_OFFER_GUESSES = 2
    assert client.get("/book/offer/nope/").status_code == 404
    assert client.get("/book/offer/nope2/").status_code == 404
    assert client.get("/book/offer/nope3/").status_code == 429
    assert not WaitlistOffer.objects.exists()
