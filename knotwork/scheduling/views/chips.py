"""The calendar's appointment chips, written in Python: a week of a busy clinic holds a hundred of them, and an
included template per chip cost more than the rest of the page (docs/performance.md)."""

import uuid

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from knotwork.scheduling.models import Appointment, AppointmentSource, AppointmentStatus

_MARK = uuid.UUID(int=0)
SHOWN_SOURCES = {AppointmentSource.ONLINE, AppointmentSource.WAITLIST}


class ChipWriter:
    """Writes the chips of one page: the addresses are reversed once, then filled in per appointment."""

    def __init__(self) -> None:
        self._detail = reverse("scheduling:appointment", args=[_MARK])
        self._move = reverse("scheduling:move", args=[_MARK])

    def _url(self, pattern: str, appointment: Appointment) -> str:
        return pattern.replace(str(_MARK), str(appointment.public_id))

    def chip(self, appointment: Appointment, member) -> SafeString:
        """One appointment as a link; a booked one can be dragged or moved with the keyboard (static/js/calendar.js)."""
        starts = timezone.localtime(appointment.starts_at)
        ends = timezone.localtime(appointment.ends_at)
        booked = appointment.status == AppointmentStatus.BOOKED
        classes = f"appt appt-colour-{appointment.appointment_type.colour} appt-{appointment.status}"
        if appointment.outside_hours:
            classes += " appt-outside"
        moving = (
            format_html(
                ' draggable="true" data-move-url="{}" data-date="{}" data-time="{}" data-minutes="{}"'
                ' data-practitioner="{}" aria-describedby="calendar-keys"',
                self._url(self._move, appointment),
                starts.strftime("%Y-%m-%d"),
                starts.strftime("%H:%M"),
                appointment.length_minutes,
                member.public_id,
            )
            if booked
            else ""
        )
        kind = [appointment.appointment_type.name]
        if appointment.room_id is not None:
            kind.append(appointment.room.name)
        status = "" if booked else format_html(" · <strong>{}</strong>", appointment.get_status_display())
        badges = []
        if appointment.source in SHOWN_SOURCES:
            badges.append(("", appointment.get_source_display()))
        if appointment.series is not None:
            badges.append((" appt-badge-series", "Repeats"))
        return format_html(
            '<a class="{}" href="{}"{}><span class="appt-time">{}\u2013{}</span><span class="appt-who">{}</span>'
            '<span class="appt-type">{}{}</span>{}</a>',
            classes,
            self._url(self._detail, appointment),
            moving,
            starts.strftime("%H:%M"),
            ends.strftime("%H:%M"),
            appointment.patient.display_name,
            " · ".join(kind),
            status,
            format_html_join("", '<span class="appt-badge{}">{}</span>', badges),
        )
