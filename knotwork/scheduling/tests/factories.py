"""Deterministic calendar fixtures: a clinic in London, Monday-to-Friday hours, three appointment types."""

import datetime

import factory

from knotwork.scheduling import services
from knotwork.scheduling.models import AppointmentType, WorkingHours

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
MONDAY = datetime.date(2026, 3, 2)  # a Monday in London winter time (UTC+0)


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    name = factory.Sequence(lambda n: f"Treatment {n}")
    duration_minutes = 45


def in_zone(clinic, name: str = LONDON):
    clinic.time_zone = name
    clinic.save(update_fields=["time_zone"])
    return clinic


def weekday_hours(clinic, practitioner, *, starts=datetime.time(9), ends=datetime.time(17), days=range(5)):
    return [
        WorkingHours.objects.create(clinic=clinic, practitioner=practitioner, weekday=d, starts=starts, ends=ends)
        for d in days
    ]


def at(clinic, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A clinic-local wall-clock time as an aware UTC instant."""
    return services.local_start(day=day, at=datetime.time(hour, minute), clinic=clinic)


def book(patient, practitioner, appointment_type, starts_at, by=None, **extra):
    return services.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        starts_at=starts_at,
        by=by or practitioner,
        **extra,
    )
