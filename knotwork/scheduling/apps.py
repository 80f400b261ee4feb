from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "knotwork.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.clinics import hooks as clinics_hooks
        from knotwork.scheduling import models, selectors

        # Blocks are bookkeeping for the no-double-booking constraint; the appointment's own history covers them.
        for model in (
            models.AppointmentType,
            models.WorkingHours,
            models.TimeOff,
            models.Appointment,
            models.CalendarFeed,
        ):
            auditlog.register(model)
        # A clinic's new time zone (clinics, a floor below) moves booked appointments' clock times: say so.
        clinics_hooks.time_zone_changed.register(selectors.time_zone_change_warning)
