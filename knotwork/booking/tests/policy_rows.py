"""Who may call each online booking service (rows for tests/test_policy_table.py): the owner sets online booking up;
the public page books as Knotwork itself; staff look over online bookings and keep the waitlist, which the patient
may also join and leave from the care page; Knotwork offers freed times and the offer's holder takes one."""

import datetime

from django.utils import timezone

from knotwork.booking import services
from knotwork.scheduling import services as scheduling
from tests.policy_actors import OWNER, PATIENT, STAFF, SYSTEM

OPEN_ALL_WEEK = [(day, datetime.time(7), datetime.time(20)) for day in range(7)]


def _day_after_tomorrow_10(w) -> datetime.datetime:
    return w.tomorrow_10 + datetime.timedelta(days=1)


def _open(w):
    """Online booking open for the World's type, the practitioner working every day 07:00-20:00."""
    scheduling.set_working_hours(practitioner=w.practitioner, clinic=w.clinic, hours=OPEN_ALL_WEEK, by=w.owner)
    services.update_booking_settings(
        clinic=w.clinic, by=w.owner, is_open=True, bookable_types=[w.appointment_type], first_visit_first=False
    )
    return w.clinic


def _booking(w):
    _open(w)
    return services.book_online(
        clinic=w.clinic,
        appointment_type=w.appointment_type,
        practitioner=w.practitioner,
        starts_at=_day_after_tomorrow_10(w),
        first_name="Online",
        last_name="Visitor",
        date_of_birth=datetime.date(1990, 1, 2),
        email="visitor@example.com",
        phone="",
        by=services.ONLINE,
    )


def _entry(w):
    return services.join_waitlist(
        patient=w.patient,
        by=w.owner,
        appointment_type=w.appointment_type,
        practitioner=w.practitioner,
        earliest_on=timezone.localdate(timezone=w.clinic.tzinfo),
        latest_on=timezone.localdate(timezone=w.clinic.tzinfo) + datetime.timedelta(days=7),
    )


def _offer(w):
    _open(w)
    _entry(w)
    starts_at = _day_after_tomorrow_10(w)
    return services.offer_waitlist_time(
        clinic=w.clinic,
        practitioner=w.practitioner,
        starts_at=starts_at,
        ends_at=starts_at + w.appointment_type.duration,
        by=services.WAITLIST,
    )


def _visitor(w) -> dict:
    _open(w)
    return {
        "clinic": w.clinic,
        "appointment_type": w.appointment_type,
        "practitioner": w.practitioner,
        "starts_at": _day_after_tomorrow_10(w),
        "first_name": "Online",
        "last_name": "Visitor",
        "date_of_birth": datetime.date(1990, 1, 2),
        "email": "visitor@example.com",
        "phone": "",
    }


def _freed(w) -> dict:
    _open(w)
    _entry(w)
    starts_at = _day_after_tomorrow_10(w)
    return {
        "clinic": w.clinic,
        "practitioner": w.practitioner,
        "starts_at": starts_at,
        "ends_at": starts_at + w.appointment_type.duration,
    }


ROWS = {
    "booking.update_booking_settings": ({OWNER}, lambda w: {"clinic": w.clinic, "notice_hours": 24}),
    "booking.book_online": ({SYSTEM}, _visitor),
    "booking.mark_booking_reviewed": (STAFF, lambda w: {"booking": _booking(w)}),
    "booking.join_waitlist": (
        STAFF | {PATIENT},
        lambda w: {
            "patient": w.patient,
            "appointment_type": w.appointment_type,
            "earliest_on": timezone.localdate(timezone=w.clinic.tzinfo),
            "latest_on": timezone.localdate(timezone=w.clinic.tzinfo) + datetime.timedelta(days=7),
        },
    ),
    "booking.leave_waitlist": (STAFF | {PATIENT}, lambda w: {"entry": _entry(w)}),
    "booking.offer_waitlist_time": ({SYSTEM}, _freed),
    "booking.expire_waitlist_offers": ({SYSTEM}, lambda w: {"now": timezone.now()}),
    "booking.take_waitlist_offer": ({PATIENT}, lambda w: {"offer": _offer(w)}),
}

NOT_SERVICES = {
    # The calendar's hook (after a cancel or a move): it calls offer_waitlist_time as Knotwork (the waitlist),
    # which asks the policy; whoever changed the appointment is not the one who offers the time.
    "booking.on_appointment_changed",
}
