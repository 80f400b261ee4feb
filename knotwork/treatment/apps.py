from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "knotwork.treatment"
    label = "treatment"
    verbose_name = "Treatment sessions"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.treatment import models

        for model in (
            models.TreatmentSession,
            models.SessionOverride,
            models.SessionPoint,
            models.Hold,
            models.NeedleEntry,
            models.TechniqueEntry,
            models.ClinicalNote,
            models.NoteRevision,
        ):
            auditlog.register(model)
