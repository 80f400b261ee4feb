from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "knotwork.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.assessment import models

        for model in (
            models.Intake,
            models.SafetyScreen,
            models.ScreenOverride,
            models.MedicalReferral,
            models.ConsentForm,
            models.ConsentFormVersion,
            models.Consent,
            models.Examination,
            models.TriggerPointFinding,
            models.RangeOfMotion,
            models.Diagnosis,
            models.ExaminationRevision,
        ):
            auditlog.register(model)
