import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from knotwork.scheduling.models import (
    APPOINTMENT_TRANSITIONS,
    HOLDING_TIME,
    AppointmentStatus,
    AppointmentType,
    TimeOff,
    WorkingHours,
)
from knotwork.scheduling.tests.factories import AppointmentTypeFactory


def test_every_status_has_its_transitions_and_only_booked_can_change():
    assert set(APPOINTMENT_TRANSITIONS) == set(AppointmentStatus)
    assert [s for s, allowed in APPOINTMENT_TRANSITIONS.items() if allowed] == [AppointmentStatus.BOOKED]
    assert set(HOLDING_TIME) == {AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED}


def test_appointment_type_lengths_and_names_are_checked(clinic_a, clinic_b):
    with pytest.raises(ValidationError, match="multiple of 5"):
        AppointmentType(clinic=clinic_a, name="Odd", duration_minutes=17).full_clean()
    AppointmentTypeFactory(clinic=clinic_a, name="Review")
    AppointmentTypeFactory(clinic=clinic_b, name="Review")  # another clinic may use the same name
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentTypeFactory(clinic=clinic_a, name="Review")
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentTypeFactory(clinic=clinic_a, name="Too long", duration_minutes=600)


def test_working_hours_and_time_off_must_end_after_they_start(clinic_a, practitioner):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHours.objects.create(
            clinic=clinic_a, practitioner=practitioner, weekday=0, starts=datetime.time(17), ends=datetime.time(9)
        )
    moment = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeOff.objects.create(
            clinic=clinic_a, practitioner=practitioner, starts_at=moment, ends_at=moment, created_by=practitioner
        )
