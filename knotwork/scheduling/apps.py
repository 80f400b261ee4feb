from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "knotwork.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.scheduling import models

        # Blocks are bookkeeping for the no-double-booking constraint; the appointment's own history covers them.
        for model in (
            models.AppointmentType,
            models.WorkingHours,
            models.TimeOff,
            models.Appointment,
            models.CalendarFeed,
        ):
            auditlog.register(model)
