"""Small helpers the calendar pages share: reading dates from the query string, building links."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from knotwork.scheduling import clock


def parse_date(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return clock.clamp_day(datetime.date.fromisoformat(text or ""))
    except ValueError:
        return default


def clinic_today(clinic) -> datetime.date:
    return timezone.now().astimezone(clinic.tzinfo).date()


def chosen_practitioner(practitioners, value: str | None):
    return next((m for m in practitioners if str(m.public_id) == (value or "")), None)


# The most practitioners the calendar shows side by side when it shows everyone. A larger clinic's calendar is
# shown a group of this many at a time (in the order of the practitioner list), so the page stays readable and
# quick however many practitioners the clinic has. A layout choice, not a clinical default.
GROUP_SIZE = 8


def practitioner_groups(practitioners: list) -> list[list]:
    return [practitioners[i : i + GROUP_SIZE] for i in range(0, len(practitioners), GROUP_SIZE)]


def chosen_group(groups: list[list], value: str | None, user) -> int | None:
    """The group asked for (1, 2, …); otherwise the one the signed-in practitioner is in, or the first."""
    if not groups:
        return None
    if value and value.isascii() and value.isdigit() and 1 <= int(value) <= len(groups):
        return int(value)
    return next((n for n, members in enumerate(groups, start=1) if any(m.user_id == user.pk for m in members)), 1)


def calendar_url(*, view: str, day: datetime.date, practitioner=None, group: int | None = None) -> str:
    query = {"view": view, "date": day.isoformat()}
    if practitioner is not None:
        query["practitioner"] = str(practitioner.public_id)
    elif group is not None:
        query["group"] = str(group)
    return f"{reverse('scheduling:calendar')}?{urlencode(query)}"


def book_url(base: str | None = None, **query) -> str:
    """The booking form's address with the query filled in; a page writing many passes `base` reversed once."""
    return f"{base or reverse('scheduling:book')}?{urlencode({k: v for k, v in query.items() if v})}"
