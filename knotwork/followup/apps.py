from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "knotwork.followup"
    label = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from knotwork.followup import selectors, services
        from knotwork.outcomes import hooks as outcomes_hooks
        from knotwork.treatment import hooks as treatment_hooks

        # The pain series (outcomes, a floor below) counts check-in answers and the diary.
        outcomes_hooks.pain_readings.register(selectors.check_in_pain_readings)
        outcomes_hooks.pain_readings.register(selectors.diary_pain_readings)
        # A finished session (treatment, a floor below) gets its check-ins, in the same transaction.
        treatment_hooks.session_finished.register(services.schedule_check_ins)
