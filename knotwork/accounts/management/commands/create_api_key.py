from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from knotwork.accounts.models import API_KEY_ROLES, API_RESOURCES, ApiScope
from knotwork.accounts.services import create_api_key
from knotwork.clinics.models import Clinic
from knotwork.core.policy import SystemActor

COMMAND = SystemActor("create_api_key command")


class Command(BaseCommand):
    help = (
        "Create an API key for a clinic and print it once (store it in the program that uses it: Knotwork keeps only "
        "its hash). Owners can also make and revoke keys under Staff -> API keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="The clinic's name, exactly as in Knotwork")
        parser.add_argument("--name", required=True, help="Which program uses the key, e.g. 'Accounting export'")
        parser.add_argument("--scope", required=True, choices=ApiScope.values, help="read, or write (read and write)")
        parser.add_argument(
            "--role", default="practitioner", choices=API_KEY_ROLES, help="whose permissions the key has"
        )
        parser.add_argument(
            "--resources",
            default="",
            help=f"limit the key to some parts of the API, comma-separated: {', '.join(API_RESOURCES)}",
        )

    def handle(self, *args, clinic: str, name: str, scope: str, role: str, resources: str, **options):
        matches = list(Clinic.objects.filter(name__iexact=clinic.strip())[:2])
        if not matches:
            raise CommandError(f"No clinic is called {clinic!r}.")
        if len(matches) > 1:
            raise CommandError(f"More than one clinic is called {clinic!r}; rename one in its settings first.")
        wanted = [part.strip() for part in resources.split(",") if part.strip()]
        try:
            key, token = create_api_key(
                clinic=matches[0], name=name, scope=scope, role=role, resources=wanted, by=COMMAND
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {key} for {matches[0].name} ({key.get_scope_display()})."))
        self.stdout.write("The key (shown once; Knotwork keeps only its hash):")
        self.stdout.write(token)
