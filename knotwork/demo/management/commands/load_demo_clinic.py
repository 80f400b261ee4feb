import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from knotwork.demo.loader import DEMO_PASSWORD, database_is_empty, load_demo

PRODUCTION_REFUSAL = (
    "DEBUG is off: this looks like a production installation, and the demo's staff share one published password "
    "and the owners' authenticator secrets are published too. Load the demo on a development checkout (make run), "
    "or, for a throwaway demonstration server that holds no real patients, pass --allow-production."
)
PRODUCTION_WARNING = (
    f"WARNING: loading the demo with DEBUG off. Every demo login uses the published password '{DEMO_PASSWORD}' and "
    "the demo owners' authenticator secrets are published in Knotwork's source: anyone can sign in to these "
    "clinics. Never put real patients in this database."
)


class Command(BaseCommand):
    help = "Load the demo installation: two invented clinics with staff and synthetic patients (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database has a clinic.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off (a demonstration server only: the demo's logins are published).",
        )

    def handle(self, *args, if_empty: bool = False, allow_production: bool = False, **options):
        if not settings.DEBUG:
            if not allow_production:
                raise CommandError(PRODUCTION_REFUSAL)
            self.stderr.write(self.style.WARNING(PRODUCTION_WARNING))
        if not database_is_empty():
            if if_empty:
                self.stdout.write("The database already has clinics; the demo is not loaded again.")
                return
            raise CommandError("The database already has clinics. The demo loads only into an empty database.")
        # The services log each booking and change; for a few hundred demo rows that is noise, not news.
        knotwork_logger = logging.getLogger("knotwork")
        level = knotwork_logger.level
        knotwork_logger.setLevel(logging.WARNING)
        try:
            clinics = load_demo()
        finally:
            knotwork_logger.setLevel(level)
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo: {', '.join(c.name for c in clinics)}."))
