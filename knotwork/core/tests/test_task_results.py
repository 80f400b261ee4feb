"""Finished task rows are deleted by the sweep once they are older than TASK_RESULTS_KEPT_DAYS."""

import datetime
import io

import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from knotwork.accounts.tasks import send_lockout_notice

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)


def _task_row(user, *, status: str, finished_days_ago: float | None) -> str:
    with override_settings(TASKS=DATABASE_TASKS):
        result = send_lockout_notice.enqueue(user_id=user.pk)
    finished_at = None if finished_days_ago is None else NOW - datetime.timedelta(days=finished_days_ago)
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
    return result.id


def _sweep(**options) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_due_messages", stdout=out, **options)
    return out.getvalue()


def test_the_sweep_deletes_finished_task_rows_older_than_a_week_and_nothing_else(practitioner):
    assert timezone.now() > NOW  # the rows are made today; the sweep runs as of NOW
    old_success = _task_row(practitioner, status=TaskResultStatus.SUCCESSFUL, finished_days_ago=8)
    old_failure = _task_row(practitioner, status=TaskResultStatus.FAILED, finished_days_ago=7.5)
    recent = _task_row(practitioner, status=TaskResultStatus.SUCCESSFUL, finished_days_ago=6)
    waiting = _task_row(practitioner, status=TaskResultStatus.READY, finished_days_ago=None)
    running = _task_row(practitioner, status=TaskResultStatus.RUNNING, finished_days_ago=None)
    out = _sweep(quiet=True)
    assert "2 finished task record(s) deleted" in out
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert remaining == {recent, waiting, running}
    assert not remaining & {old_success, old_failure}
    assert _sweep(quiet=True) == ""  # nothing due and nothing to delete: --quiet prints nothing


@override_settings(KNOTWORK_TASK_RESULTS_KEPT_DAYS=30)
def test_the_installation_chooses_how_long_finished_task_rows_are_kept(practitioner):
    kept = _task_row(practitioner, status=TaskResultStatus.SUCCESSFUL, finished_days_ago=29)
    gone = _task_row(practitioner, status=TaskResultStatus.FAILED, finished_days_ago=31)
    assert "1 finished task record(s) deleted" in _sweep()
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [kept]
    assert not DBTaskResult.objects.filter(pk=gone).exists()
