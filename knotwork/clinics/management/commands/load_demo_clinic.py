import logging

from django.core.management.base import BaseCommand, CommandError

from knotwork.clinics.demo import database_is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo installation: two invented clinics with staff and synthetic patients."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database has a clinic.")

    def handle(self, *args, if_empty: bool = False, **options):
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
