"""One row of every clinic-scoped online booking model, for the clinic-isolation and read-audit URL walks."""

import datetime

from django.utils import timezone

from knotwork.booking import services
from knotwork.booking.models import WaitlistOffer
from knotwork.scheduling import services as scheduling

ALL_WEEK = [(day, datetime.time(7), datetime.time(20)) for day in range(7)]


def records(patient, owner, marker) -> list:
    clinic = patient.clinic
    visit = scheduling.create_appointment_type(clinic=clinic, name="Online visit", duration_minutes=30, by=owner)
    scheduling.set_working_hours(practitioner=owner, clinic=clinic, hours=ALL_WEEK, by=owner)
    settings = services.update_booking_settings(
        clinic=clinic, by=owner, is_open=True, bookable_types=[visit], first_visit_first=False
    )
    today = timezone.localdate(timezone=clinic.tzinfo)
    in_three_days = scheduling.local_start(day=today + datetime.timedelta(days=3), at=datetime.time(10), clinic=clinic)
    booking = services.book_online(
        clinic=clinic,
        appointment_type=visit,
        practitioner=owner,
        starts_at=in_three_days,
        first_name=patient.first_name,
        last_name=f"{marker}online",
        date_of_birth=patient.date_of_birth,
        email=patient.email or "online@example.com",
        phone="",
        by=services.ONLINE,
    )
    entry = services.join_waitlist(
        patient=patient,
        by=owner,
        appointment_type=visit,
        practitioner=owner,
        earliest_on=today,
        latest_on=today + datetime.timedelta(days=7),
        note=f"{marker} mornings",
    )
    freed = in_three_days + datetime.timedelta(hours=2)
    offer = services.offer_waitlist_time(
        clinic=clinic, practitioner=owner, starts_at=freed, ends_at=freed + visit.duration, by=services.WAITLIST
    )
    assert isinstance(offer, WaitlistOffer)
    return [settings, booking, entry, offer]
