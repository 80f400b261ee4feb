"""One row of every clinic-scoped scheduling model, for the clinic-isolation URL walk."""

import datetime

from django.utils import timezone

from knotwork.scheduling import services
from knotwork.scheduling.models import TimeOff


def records(patient, owner, marker) -> list:
    clinic = patient.clinic
    day = timezone.now().astimezone(clinic.tzinfo).date() + datetime.timedelta(days=7)
    appointment_type = services.create_appointment_type(
        clinic=clinic, name=f"{marker} visit", duration_minutes=30, by=owner
    )
    (hours,) = services.set_working_hours(
        practitioner=owner, clinic=clinic, hours=[(day.weekday(), datetime.time(8), datetime.time(18))], by=owner
    )
    time_off = services.add_time_off(
        practitioner=owner,
        clinic=clinic,
        starts_at=services.local_start(day=day, at=datetime.time(16), clinic=clinic),
        ends_at=services.local_start(day=day, at=datetime.time(17), clinic=clinic),
        reason=f"{marker} leave",
        by=owner,
    )
    room = services.create_room(clinic=clinic, name=f"{marker} room", by=owner)
    appointment = services.book_appointment(
        patient=patient,
        practitioner=owner,
        appointment_type=appointment_type,
        starts_at=services.local_start(day=day, at=datetime.time(10), clinic=clinic),
        by=owner,
        notes=f"{marker} parking",
        room=room,
    )
    series = services.book_series(
        patient=patient,
        practitioner=owner,
        appointment_type=appointment_type,
        starts_at=services.local_start(day=day, at=datetime.time(12), clinic=clinic),
        by=owner,
        every_weeks=1,
        count=2,
        notes=f"{marker} series",
    )
    feed, _token = services.create_calendar_feed(practitioner=owner, by=owner)
    assert isinstance(time_off, TimeOff)
    return [appointment_type, hours, time_off, room, appointment, *series.appointments, feed]
