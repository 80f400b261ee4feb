from django.apps import AppConfig


class LettersConfig(AppConfig):
    """Letters to the referring clinician: progress reports and discharge letters from one report context."""

    name = "knotwork.letters"
    label = "letters"
    verbose_name = "Letters"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.letters.models import Letter, LetterTemplate

        auditlog.register(Letter)
        auditlog.register(LetterTemplate)
