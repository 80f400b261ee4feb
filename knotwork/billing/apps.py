from django.apps import AppConfig


class BillingConfig(AppConfig):
    """The front office's money: fee schedule, packages, invoices, payments, superbills and business reports."""

    name = "knotwork.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.billing import models

        # The counter is bookkeeping for gap-free numbers; the issued invoices are the record.
        for model in (
            models.BillingSettings,
            models.PractitionerBilling,
            models.FeeItem,
            models.Invoice,
            models.InvoiceLine,
            models.InvoiceDiagnosis,
            models.Package,
            models.Payment,
        ):
            auditlog.register(model)
