"""Housekeeping of the task queue's table (django-tasks-db), run by the sweep (`manage.py send_due_messages`)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


@transaction.atomic
def prune_finished_task_results(*, now: datetime.datetime | None = None) -> int:
    """Delete finished task rows (succeeded or failed) older than KNOTWORK_TASK_RESULTS_KEPT_DAYS; return how many.

    The worker keeps every finished row, with its arguments, its return value and any traceback, for ever. Tasks
    carry ids only, but a traceback can quote what a task was working on: what is done is not kept past its use.
    Rows still waiting or running are never touched.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.KNOTWORK_TASK_RESULTS_KEPT_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
