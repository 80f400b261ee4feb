from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "knotwork.followup"
    label = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.followup import models, selectors, services
        from knotwork.outcomes import hooks as outcomes_hooks
        from knotwork.treatment import hooks as treatment_hooks

        # The pain series (outcomes, a floor below) counts check-in answers and the diary.
        outcomes_hooks.pain_readings.register(selectors.check_in_pain_readings)
        outcomes_hooks.pain_readings.register(selectors.diary_pain_readings)
        # A finished session (treatment, a floor below) gets its check-ins, in the same transaction.
        treatment_hooks.session_finished.register(services.schedule_check_ins)
        # A raised or resolved flag is in the audit trail (and so a webhook's "checkin.flagged" event).
        auditlog.register(models.Flag)
