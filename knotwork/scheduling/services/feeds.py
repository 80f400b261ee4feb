"""Practitioners' private calendar feed URLs."""

import datetime

from django.db import transaction
from django.utils import timezone

from knotwork.core import tokens
from knotwork.core.policy import Actor, require
from knotwork.scheduling.models import CalendarFeed
from knotwork.scheduling.services.rules import check_practitioner


@transaction.atomic
def create_calendar_feed(*, practitioner, by: Actor) -> tuple[CalendarFeed, str]:
    """Make a new private feed URL for the practitioner; the old one stops working. Returns (feed, token)."""
    require(by, "create_calendar_feed", practitioner)
    membership = practitioner.membership
    check_practitioner(practitioner, membership.clinic)
    now = timezone.now()
    CalendarFeed.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(revoked_at=now)
    token = tokens.new_token()  # shown once to the practitioner, never sent later: random, not derived
    feed = CalendarFeed.objects.create(
        clinic=membership.clinic, practitioner=practitioner, token_hash=tokens.hash_token(token)
    )
    return feed, token


@transaction.atomic
def revoke_calendar_feed(*, practitioner, by: Actor) -> int:
    """Stop the practitioner's feed URL; calendar apps subscribed to it get 'not found' from now on."""
    require(by, "revoke_calendar_feed", practitioner)
    return CalendarFeed.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def touch_feed(feed: CalendarFeed) -> None:
    """Note when a calendar app last read the feed (shown to the practitioner), at most once a minute."""
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > datetime.timedelta(minutes=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
