import datetime

import pytest

from knotwork.booking import services
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.tests.factories import AppointmentTypeFactory, in_zone, weekday_hours

# Sunday evening before Monday 2 March 2026, London (UTC+0 in winter).
NOW = datetime.datetime(2026, 3, 1, 18, 0, tzinfo=datetime.UTC)
MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def london(clinic_a):
    in_zone(clinic_a)
    clinic_a.phone = "020 7946 0000"
    clinic_a.save(update_fields=["phone"])
    return clinic_a


@pytest.fixture
def first_visit(london):
    return AppointmentTypeFactory(clinic=london, name="First visit", duration_minutes=60)


@pytest.fixture
def follow_up(london):
    return AppointmentTypeFactory(clinic=london, name="Follow-up", duration_minutes=30)


@pytest.fixture
def hours(london, practitioner):
    return weekday_hours(london, practitioner)


@pytest.fixture
def booking_settings(london, owner, first_visit, follow_up, hours):
    return services.update_booking_settings(
        clinic=london,
        by=owner,
        is_open=True,
        bookable_types=[first_visit, follow_up],
        first_visit_types=[first_visit],
        notice_hours=12,
        horizon_days=30,
        buffer_minutes=0,
        offer_hold_minutes=60,
    )


@pytest.fixture
def known_patient(london):
    return PatientFactory(
        clinic=london,
        first_name="Ada",
        last_name="Okafor",
        date_of_birth=datetime.date(1980, 5, 17),
        email="ada@example.com",
        phone="+447911123456",
    )


def visitor(**changes) -> dict:
    details = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "date_of_birth": datetime.date(1980, 5, 17),
        "email": "ada@example.com",
        "phone": "+447911123456",
    }
    return {**details, **changes}
