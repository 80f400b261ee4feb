from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed event deliveries to a clinic's registered endpoints, from the audit trail's change feed."""

    name = "knotwork.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from knotwork.audit.models import AuditEntry
        from knotwork.webhooks import receivers
        from knotwork.webhooks.models import Endpoint

        # Every change of a registered model appends an audit entry; the ones that are events become deliveries,
        # in the same transaction.
        post_save.connect(receivers.audit_entry_saved, sender=AuditEntry, dispatch_uid="knotwork.webhooks.events")
        # Who pointed the clinic's events where, and when; never the secret, nor each attempt's bookkeeping.
        auditlog.register(
            Endpoint,
            exclude_fields=[
                "secret_sealed",
                "previous_secret_sealed",
                "previous_secret_until",
                "consecutive_failures",
                "updated_at",
            ],
        )
