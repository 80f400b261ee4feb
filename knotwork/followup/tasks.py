from django.tasks import task

from knotwork.core.policy import SystemActor

WORKER = SystemActor("task worker")


@task
def send_check_in_task(*, check_in_id: int) -> bool:
    """Send one check-in at its time (queued with run_after by `schedule_check_ins`)."""
    from knotwork.followup.services import send_check_in

    return send_check_in(check_in_id=check_in_id, by=WORKER)
