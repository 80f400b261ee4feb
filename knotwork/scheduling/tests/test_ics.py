import datetime

import pytest
from icalendar import Calendar

from knotwork.scheduling import ics, services
from knotwork.scheduling.models import TimeOff
from knotwork.scheduling.tests.factories import MONDAY, at, book

pytestmark = pytest.mark.usefixtures("now", "hours")


def events(payload: bytes) -> list:
    return list(Calendar.from_ical(payload).walk("VEVENT"))


def test_the_patients_file_names_the_clinic_address_and_practitioner(london, patient, practitioner, treatment):
    london.address = "1 Knot Street\nLondon N1"
    london.phone = "020 7946 0000"
    london.save()
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    (event,) = events(ics.appointment_ics(appointment))
    assert event["SUMMARY"] == f"Appointment at {london.name}"
    assert event["LOCATION"] == f"{london.name}, 1 Knot Street, London N1"
    assert str(practitioner) in event["DESCRIPTION"]
    assert "020 7946 0000" in event["DESCRIPTION"]
    assert event.decoded("DTSTART") == at(london, MONDAY, 10)
    assert event.decoded("DTEND") == at(london, MONDAY, 10, 45)
    assert event["STATUS"] == "CONFIRMED"


def test_the_feed_shows_chart_numbers_cancellations_and_time_off_without_names_or_reasons(
    london, patient, other_patient, practitioner, owner, treatment
):
    kept = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    dropped = book(other_patient, practitioner, treatment, at(london, MONDAY, 11))
    book(other_patient, owner, treatment, at(london, MONDAY, 14))  # someone else's
    services.cancel_appointment(appointment=dropped, by=practitioner, reason="Private reason")
    TimeOff.objects.create(
        clinic=london,
        practitioner=practitioner,
        starts_at=at(london, MONDAY, 15),
        ends_at=at(london, MONDAY, 16),
        reason="Dentist",
        created_by=practitioner,
    )
    feed, _token = services.create_calendar_feed(practitioner=practitioner, by=practitioner)
    payload = ics.practitioner_feed_ics(feed)
    found = {str(e["SUMMARY"]): e for e in events(payload)}
    assert set(found) == {
        f"{patient.chart_number} · Treatment",
        f"Cancelled: {other_patient.chart_number} · Treatment",
        "Time off",
    }
    assert found[f"Cancelled: {other_patient.chart_number} · Treatment"]["STATUS"] == "CANCELLED"
    assert found[f"{patient.chart_number} · Treatment"]["UID"] == f"{kept.public_id}@knotwork"
    text = payload.decode()
    for secret in (patient.first_name, patient.last_name, other_patient.last_name, "Dentist", "Private reason"):
        assert secret not in text
    assert datetime.timedelta(0) < found["Time off"].decoded("DTEND") - found["Time off"].decoded("DTSTART")
