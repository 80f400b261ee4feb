from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "knotwork.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
