from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed event deliveries to a clinic's registered endpoints, from the audit trail's change feed."""

    name = "knotwork.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
