from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "knotwork.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.outcomes import models

        for model in (models.QuestionnaireResponse, models.QuestionnaireText):
            auditlog.register(model)
