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
        clinics = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo: {', '.join(c.name for c in clinics)}."))
