import datetime

import pytest

from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.tests.factories import AppointmentTypeFactory, in_zone, weekday_hours

# Sunday evening before MONDAY (2 March 2026), London, winter time: "now" for most calendar tests.
NOW = datetime.datetime(2026, 3, 1, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def london(clinic_a):
    return in_zone(clinic_a)


@pytest.fixture
def treatment(london):
    return AppointmentTypeFactory(clinic=london, name="Treatment", duration_minutes=45)


@pytest.fixture
def patient(london):
    return PatientFactory(clinic=london)


@pytest.fixture
def other_patient(london):
    return PatientFactory(clinic=london)


@pytest.fixture
def hours(london, practitioner, owner):
    return weekday_hours(london, practitioner) + weekday_hours(london, owner)
