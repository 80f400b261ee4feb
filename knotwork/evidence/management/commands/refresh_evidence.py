"""`manage.py refresh_evidence [--clinic CLINIC]`: work out the evidence figures again, now, in this process.

The task worker does the same when an owner presses "Refresh figures"; a nightly cron line keeps them fresh:
`python manage.py refresh_evidence` (every clinic) or `--clinic <public id or exact name>` (one).
"""

import time

from django.core.management.base import BaseCommand

from knotwork.core.policy import SystemActor
from knotwork.evidence import services
from knotwork.evidence.management.commands._clinics import clinics_from

ACTOR = SystemActor("refresh_evidence command")


class Command(BaseCommand):
    help = "Recompute the evidence summaries of every clinic, or of one (--clinic public id or exact name)."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", help="a clinic's public id or exact name (default: every clinic)")

    def handle(self, *args, clinic=None, **options):
        for one in clinics_from(clinic):
            started = time.monotonic()
            periods = services.refresh_summaries(clinic=one, by=ACTOR)
            self.stdout.write(f"{one.name}: {periods} periods in {time.monotonic() - started:.1f} s")
