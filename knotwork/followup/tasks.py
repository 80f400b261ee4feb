from django.tasks import task

from knotwork.core.policy import SystemActor
from knotwork.followup import services

WORKER = SystemActor("task worker")


@task
def send_check_in_task(*, check_in_id: int) -> bool:
    """Send one check-in at its time (queued with run_after by `schedule_check_ins`)."""
    return services.send_check_in(check_in_id=check_in_id, by=WORKER)
