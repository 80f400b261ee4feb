from django.apps import AppConfig


class ChartConfig(AppConfig):
    """The patient chart and the course page: one context each, gathered from every clinical app (composition)."""

    name = "knotwork.chart"
    label = "chart"
    verbose_name = "Patient chart"
