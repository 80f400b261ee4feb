from django.apps import AppConfig


class BillingConfig(AppConfig):
    """The front office's money: fee schedule, packages, invoices, payments, superbills and business reports."""

    name = "knotwork.billing"
    label = "billing"
    verbose_name = "Billing"
