"""The calendar's links to the front desk's booking queues: online bookings to review and the waitlist."""

from django import template

from knotwork.booking import selectors

register = template.Library()


@register.inclusion_tag("booking/components/queue_links.html", takes_context=True)
def booking_queues(context) -> dict:
    """Two counts (two queries), whatever the size of the clinic's lists."""
    user = context["request"].user
    return {
        "to_review": selectors.list_online_bookings(user, to_review_only=True).count(),
        "waiting": selectors.list_waitlist(user).count(),
    }
