"""iCalendar output: a practitioner's private feed and a patient's file for one appointment.

The feed names patients by chart number and appointment type only. Calendar apps sync subscribed feeds to
their vendors' clouds (Google, Apple, Microsoft) and show them on phones' lock screens, outside the clinic's
control; a chart number means something only inside Knotwork. The patient's own file may say more: it goes
to the patient.
"""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from knotwork.scheduling.models import Appointment, AppointmentStatus, TimeOff
from knotwork.scheduling.selectors import practitioner_name

PRODID = "-//Knotwork//Scheduling//EN"
FEED_PAST = datetime.timedelta(days=60)
FEED_FUTURE = datetime.timedelta(days=400)
ICS_STATUS = {
    AppointmentStatus.BOOKED: "CONFIRMED",
    AppointmentStatus.ATTENDED: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
    AppointmentStatus.NO_SHOW: "CANCELLED",
}


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(*, uid: str, starts_at, ends_at, summary: str, status: str, stamp) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(datetime.UTC))
    event.add("dtend", ends_at.astimezone(datetime.UTC))
    event.add("summary", summary)
    event.add("status", status)
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    """One appointment as the patient sees it: clinic, address, practitioner, how to change it."""
    clinic = appointment.clinic
    calendar = _calendar(clinic.name)
    calendar.add("method", "PUBLISH")
    event = _event(
        uid=f"{appointment.public_id}@knotwork",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=f"Appointment at {clinic.name}",
        status=ICS_STATUS[AppointmentStatus(appointment.status)],
        stamp=appointment.updated_at or timezone.now(),
    )
    address = ", ".join(line.strip() for line in clinic.address.splitlines() if line.strip())
    if address:
        event.add("location", f"{clinic.name}, {address}")
    change = f"phone the clinic on {clinic.phone}" if clinic.phone else "phone the clinic"
    event.add(
        "description",
        f"With {practitioner_name(appointment.practitioner)} at {clinic.name}.\n"
        f"To change or cancel this appointment, {change}.",
    )
    calendar.add_component(event)
    return calendar.to_ical()


def practitioner_feed_ics(feed) -> bytes:
    """The practitioner's appointments and time off from 60 days ago to 400 days ahead."""
    now = timezone.now()
    calendar = _calendar(f"Knotwork: {feed.clinic.name}")
    calendar.add("x-published-ttl", "PT15M")
    appointments = Appointment.objects.filter(
        clinic=feed.clinic,
        practitioner=feed.practitioner,
        starts_at__gte=now - FEED_PAST,
        starts_at__lte=now + FEED_FUTURE,
    ).select_related("patient", "appointment_type")
    for appointment in appointments:
        summary = f"{appointment.patient.chart_number} · {appointment.appointment_type.name}"
        if appointment.status == AppointmentStatus.CANCELLED:
            summary = f"Cancelled: {summary}"
        elif appointment.status == AppointmentStatus.NO_SHOW:
            summary = f"Did not attend: {summary}"
        calendar.add_component(
            _event(
                uid=f"{appointment.public_id}@knotwork",
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                summary=summary,
                status=ICS_STATUS[AppointmentStatus(appointment.status)],
                stamp=appointment.updated_at,
            )
        )
    away = TimeOff.objects.filter(
        clinic=feed.clinic,
        practitioner=feed.practitioner,
        ends_at__gte=now - FEED_PAST,
        starts_at__lte=now + FEED_FUTURE,
    )
    for time_off in away:
        calendar.add_component(
            _event(
                uid=f"{time_off.public_id}@knotwork",
                starts_at=time_off.starts_at,
                ends_at=time_off.ends_at,
                summary="Time off",
                status="CONFIRMED",
                stamp=time_off.updated_at,
            )
        )
    return calendar.to_ical()
