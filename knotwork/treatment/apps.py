from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "knotwork.treatment"
    label = "treatment"
    verbose_name = "Treatment sessions"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.plans import hooks as plans_hooks
        from knotwork.treatment import models, selectors

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
        # A course (plans, a floor below) does not end while one of its sessions is in progress.
        plans_hooks.course_ending.register(selectors.course_end_refusal)
