import datetime

import pytest

from knotwork.demo.schedule import load_demo_schedule
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import Appointment, AppointmentType, WorkingHours
from knotwork.scheduling.tests.conftest import NOW
from knotwork.scheduling.tests.factories import in_zone


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def london(clinic_a):
    return in_zone(clinic_a)


def test_demo_schedule_fills_today_and_the_week_and_can_run_twice(london, practitioner, owner):
    patients = PatientFactory.create_batch(5, clinic=london)
    monday = datetime.date(2026, 3, 2)
    for _ in range(2):
        load_demo_schedule(clinic=london, practitioners=[practitioner, owner], patients=patients, today=monday)
    assert AppointmentType.objects.count() == 3
    assert WorkingHours.objects.count() == 10
    appointments = Appointment.objects.all()
    assert appointments.count() == 10
    assert sum(a.starts_at.astimezone(london.tzinfo).date() == monday for a in appointments) == 5


def test_demo_schedule_on_a_weekend_starts_on_monday(london, practitioner):
    patients = PatientFactory.create_batch(2, clinic=london)
    load_demo_schedule(
        clinic=london, practitioners=[practitioner.membership], patients=patients, today=datetime.date(2026, 3, 1)
    )
    assert Appointment.objects.filter(starts_at__date=datetime.date(2026, 3, 2)).exists()
