from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from knotwork.accounts.services import invitation_url, invite_staff
from knotwork.clinics.models import Role
from knotwork.clinics.services import create_clinic
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import SystemActor

COMMAND = SystemActor("create_clinic command")


class Command(BaseCommand):
    help = "Create a clinic and invite its first owner (prints the invitation link and emails it)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The clinic's name, as staff and patients will see it")
        parser.add_argument("--owner", required=True, help="Email address of the clinic's first owner")

    def handle(self, *args, name: str, owner: str, **options):
        if not name.strip():
            raise CommandError("Give the clinic a name.")
        try:
            validate_email(owner)
        except ValidationError as error:
            raise CommandError(f"--owner: {owner!r} is not an email address.") from error
        try:
            with transaction.atomic():
                clinic = create_clinic(name=name.strip(), by=COMMAND)
                invitation = invite_staff(clinic=clinic, email=owner, role=Role.OWNER, by=COMMAND)
        except (ClinicRuleError, ValidationError) as error:
            message = str(error) if isinstance(error, ClinicRuleError) else "; ".join(error.messages)
            raise CommandError(message) from error
        self.stdout.write(self.style.SUCCESS(f"Created {clinic.name}."))
        self.stdout.write(f"The owner sets a password at: {invitation_url(invitation)}")
