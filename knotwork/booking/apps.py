from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Online booking: a clinic's public booking page, its rules, and the waitlist that takes freed time."""

    name = "knotwork.booking"
    label = "booking"
    verbose_name = "Online booking"

    def ready(self) -> None:
        from knotwork.booking import services
        from knotwork.scheduling import hooks

        # A cancelled visit, or the old time of a moved one, is offered to the first patient waiting for it.
        hooks.appointment_changed.register(services.on_appointment_changed)
