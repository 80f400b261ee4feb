"""The calendar's appointment chips, written in Python: a week of a busy clinic holds a hundred of them, and an
included template per chip cost more than the rest of the page (docs/performance.md)."""

import html
import uuid
import zoneinfo

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from knotwork.scheduling.models import Appointment, AppointmentSource, AppointmentStatus

_MARK = uuid.UUID(int=0)
SHOWN_SOURCES = {AppointmentSource.ONLINE, AppointmentSource.WAITLIST}


def _e(value: object) -> str:
    """Escape a value for HTML text or a quoted attribute (what format_html does, without its per-call checks)."""
    return html.escape(str(value), quote=True)


class ChipWriter:
    """Writes the chips of one page: the addresses are reversed once, then filled in per appointment.

    A week of a large clinic's group holds hundreds of chips, so each is one f-string with every value escaped,
    not a template or nested format_html calls (the calendar's profile: docs/performance.md).
    """

    def __init__(self, tz: zoneinfo.ZoneInfo) -> None:
        self._tz = tz
        self._detail = reverse("scheduling:appointment", args=[_MARK])
        self._move = reverse("scheduling:move", args=[_MARK])

    def _url(self, pattern: str, appointment: Appointment) -> str:
        return pattern.replace(str(_MARK), str(appointment.public_id))

    def chip(self, appointment: Appointment, member) -> SafeString:
        """One appointment as a link; a booked one can be dragged or moved with the keyboard (static/js/calendar.js)."""
        starts = appointment.starts_at.astimezone(self._tz)
        ends = appointment.ends_at.astimezone(self._tz)
        booked = appointment.status == AppointmentStatus.BOOKED
        classes = f"appt appt-colour-{appointment.appointment_type.colour} appt-{appointment.status}"
        if appointment.outside_hours:
            classes += " appt-outside"
        moving = (
            f' draggable="true" data-move-url="{_e(self._url(self._move, appointment))}"'
            f' data-date="{starts:%Y-%m-%d}" data-time="{starts:%H:%M}" data-minutes="{_e(appointment.length_minutes)}"'
            f' data-practitioner="{_e(member.public_id)}" aria-describedby="calendar-keys"'
            if booked
            else ""
        )
        kind = [appointment.appointment_type.name]
        if appointment.room_id is not None:
            kind.append(appointment.room.name)
        status = "" if booked else f" · <strong>{_e(appointment.get_status_display())}</strong>"
        badges = ""
        if appointment.source in SHOWN_SOURCES:
            badges += f'<span class="appt-badge">{_e(appointment.get_source_display())}</span>'
        if appointment.series is not None:
            badges += '<span class="appt-badge appt-badge-series">Repeats</span>'
        return mark_safe(  # noqa: S308 (every value above is escaped; the rest is this function's own markup)
            f'<a class="{_e(classes)}" href="{_e(self._url(self._detail, appointment))}"{moving}>'
            f'<span class="appt-time">{starts:%H:%M}\u2013{ends:%H:%M}</span>'
            f'<span class="appt-who">{_e(appointment.patient.display_name)}</span>'
            f'<span class="appt-type">{_e(" · ".join(kind))}{status}</span>{badges}</a>'
        )
