from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "knotwork.plans"
    label = "plans"
    verbose_name = "Treatment plans"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.plans import models

        for model in (models.TreatmentPlan, models.Goal, models.HomeExercise):
            auditlog.register(model)
