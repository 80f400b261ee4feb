from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "knotwork.reports"
    label = "reports"
    verbose_name = "Reports"
