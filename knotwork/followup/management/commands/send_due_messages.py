from django.core.management.base import BaseCommand
from django.utils import timezone

from knotwork.core.policy import SystemActor
from knotwork.core.tasks import prune_finished_task_results
from knotwork.followup.services import flag_courses_without_response, send_due_check_ins
from knotwork.messaging.services import send_due_texts
from knotwork.scheduling import services as scheduling

SWEEP = SystemActor("send_due_messages command")


class Command(BaseCommand):
    help = (
        "Send every check-in and appointment reminder whose time has come, try again texts the gateway refused, "
        "flag courses that ended without a "
        "response, and delete finished task records older than TASK_RESULTS_KEPT_DAYS. The database worker sends "
        "them on time by itself; run this from cron (e.g. every 5 minutes) when the worker is not used, or as a "
        "safety net."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing when nothing was due.")

    def handle(self, *args, **options):
        now = timezone.now()
        check_ins = send_due_check_ins(now=now, by=SWEEP)
        reminders = scheduling.send_due_reminders(now=now, by=SWEEP)
        flags = flag_courses_without_response(by=SWEEP)
        texts = send_due_texts(now=now, by=SWEEP)
        pruned = prune_finished_task_results(now=now)
        if options["quiet"] and not (check_ins or reminders or flags or texts or pruned):
            return
        self.stdout.write(
            f"Sent {check_ins} check-in(s) and {reminders} reminder(s); {texts} text(s) sent on a later try; "
            f"{flags} course(s) flagged for reassessment; {pruned} finished task record(s) deleted."
        )
