from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "knotwork.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
