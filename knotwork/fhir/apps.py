from django.apps import AppConfig


class FhirConfig(AppConfig):
    """FHIR R4: one patient's record, a clinic's bulk export, reads by id, and loading Questionnaire wording."""

    name = "knotwork.fhir"
    label = "fhir"
    verbose_name = "FHIR"
