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


def calendar_url(*, view: str, day: datetime.date, practitioner=None) -> str:
    query = {"view": view, "date": day.isoformat()}
    if practitioner is not None:
        query["practitioner"] = str(practitioner.public_id)
    return f"{reverse('scheduling:calendar')}?{urlencode(query)}"


def book_url(**query) -> str:
    return f"{reverse('scheduling:book')}?{urlencode({k: v for k, v in query.items() if v})}"
