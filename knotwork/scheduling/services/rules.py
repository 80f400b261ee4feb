"""Wording and the practitioner check shared by the calendar services (who may act: `scheduling/policy.py`)."""

import datetime

from django.utils import formats

from knotwork.clinics.models import CLINICAL_ROLES
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import active_membership
from knotwork.scheduling import clock
from knotwork.scheduling.models import TimeOff

# --- wording -------------------------------------------------------------------------------------


def local_time_text(instant: datetime.datetime, clinic) -> str:
    """'10:15' in the clinic's time zone."""
    return clock.local(instant, clinic.tzinfo).strftime("%H:%M")


def local_when_text(instant: datetime.datetime, clinic) -> str:
    """'Tuesday 3 March 2026 at 10:15' in the clinic's time zone."""
    moment = clock.local(instant, clinic.tzinfo)
    return f"{formats.date_format(moment, 'l j F Y')} at {moment:%H:%M}"


def time_off_text(time_off: TimeOff, clinic) -> str:
    """'Mon 30 Nov 2026 to Wed 2 Dec 2026 (whole days)' or 'Mon 30 Nov 2026 09:00 to 12:30'."""
    tz = clinic.tzinfo
    starts, ends = clock.local(time_off.starts_at, tz), clock.local(time_off.ends_at, tz)
    midnight = datetime.time(0, 0)
    if starts.time() == midnight and ends.time() == midnight:
        last = ends.date() - datetime.timedelta(days=1)
        if last == starts.date():
            return f"{starts:%a %-d %b %Y} (whole day)"
        return f"{starts:%a %-d %b %Y} to {last:%a %-d %b %Y} (whole days)"
    if starts.date() == ends.date():
        return f"{starts:%a %-d %b %Y %H:%M} to {ends:%H:%M}"
    return f"{starts:%a %-d %b %Y %H:%M} to {ends:%a %-d %b %Y %H:%M}"


# --- checks ---------------------------------------------------------------------------------------


def check_practitioner(practitioner, clinic) -> None:
    """The practitioner chosen for an appointment, hours or a feed sees patients at this clinic."""
    membership = active_membership(practitioner)
    if membership is None or membership.clinic_id != clinic.pk or membership.role not in CLINICAL_ROLES:
        raise ClinicRuleError("Choose a practitioner of this clinic who sees patients.")
