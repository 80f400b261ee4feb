from django.core.management.base import BaseCommand

from knotwork.core.policy import SystemActor
from knotwork.fhir.services import delete_expired_exports

COMMAND = SystemActor("delete_expired_fhir_exports command")


class Command(BaseCommand):
    help = "Delete the files of FHIR bulk exports past their retention (FHIR_EXPORT_RETENTION_HOURS, 24 by default)."

    def handle(self, *args, **options):
        count = delete_expired_exports(by=COMMAND)
        self.stdout.write(f"Deleted the files of {count} expired export{'s' if count != 1 else ''}.")
