"""Who may manage webhooks: the owner registers, changes, tests and replays; Knotwork itself queues and sends."""

from knotwork.clinics.policy import NO_STAFF, OWNER, rule
from knotwork.core.policy import register

register(
    rule("manage_webhooks", "manage webhook endpoints", OWNER),
    rule("replay_webhook", "send a webhook delivery again", OWNER),
    # The change feed (an audit entry) queues deliveries, the task worker and the sweep send them.
    rule("deliver_webhooks", "queue and send webhook deliveries", NO_STAFF, system=True),
)
