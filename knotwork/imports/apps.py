from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Bringing a clinic over: patients and upcoming appointments from another system's CSV or a FHIR bundle."""

    name = "knotwork.imports"
    label = "imports"
    verbose_name = "Imports"
