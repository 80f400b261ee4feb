"""The change feed: each new audit entry of a change may be an event some endpoint wants (connected in apps.py)."""

from knotwork.core.policy import SystemActor
from knotwork.webhooks import services

CHANGE_FEED = SystemActor("webhooks (audit trail)")


def audit_entry_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        services.queue_events(entry=instance, by=CHANGE_FEED)
