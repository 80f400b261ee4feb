"""No appointment lasts more than 8 hours (held by the database), so overlap reads bound the start from below."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import Appointment
from knotwork.scheduling.selectors import list_appointments
from knotwork.scheduling.tests.factories import AppointmentTypeFactory

pytestmark = pytest.mark.django_db


def _row(clinic, practitioner, starts, hours):
    return Appointment(
        clinic=clinic,
        patient=PatientFactory(clinic=clinic),
        practitioner=practitioner,
        appointment_type=AppointmentTypeFactory(clinic=clinic),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        booked_by=practitioner,
    )


def test_the_database_refuses_an_appointment_longer_than_8_hours(clinic_a, practitioner):
    starts = timezone.now().replace(microsecond=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(clinic_a, practitioner, starts, 9).save()
    _row(clinic_a, practitioner, starts, 8).save()


def test_the_bounded_overlap_still_finds_an_appointment_that_began_before_the_range(clinic_a, practitioner):
    day = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    long_one = _row(clinic_a, practitioner, day - datetime.timedelta(hours=7), 8)
    long_one.save()
    _row(clinic_a, practitioner, day - datetime.timedelta(hours=20), 2).save()  # over before the range: not listed
    found = list(list_appointments(practitioner, start=day, end=day + datetime.timedelta(hours=1)))
    assert found == [long_one]
