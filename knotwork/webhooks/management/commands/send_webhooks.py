from django.core.management.base import BaseCommand

from knotwork.core.policy import SystemActor
from knotwork.webhooks.services import send_due_deliveries

SWEEP = SystemActor("send_webhooks command")


class Command(BaseCommand):
    help = (
        "Send every webhook delivery whose time has come (first attempts the worker missed, and retries). The "
        "database worker sends them on time by itself; run this from cron (e.g. every minute) when the worker is not "
        "used, or beside `send_due_messages` as a safety net."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing when nothing was due.")

    def handle(self, *args, **options):
        attempted = send_due_deliveries(by=SWEEP)
        if options["quiet"] and not attempted:
            return
        self.stdout.write(f"Attempted {attempted} webhook delivery(ies).")
