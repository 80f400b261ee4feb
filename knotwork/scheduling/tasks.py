from django.tasks import task

from knotwork.core.policy import SystemActor
from knotwork.scheduling.services import reminders

WORKER = SystemActor("task worker")


@task
def send_appointment_reminder(*, appointment_id: int) -> None:
    """Send one reminder when it falls due; a cancelled, moved or already reminded appointment is left alone."""
    reminders.send_reminder(appointment_id=appointment_id, by=WORKER)
