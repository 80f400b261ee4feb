from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo installation: invented clinics, staff and synthetic patients, made through the real services."""

    name = "knotwork.demo"
    label = "demo"
    verbose_name = "Demo data"
