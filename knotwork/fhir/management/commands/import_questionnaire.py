from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from knotwork.clinics.models import Clinic, Role
from knotwork.fhir.questionnaire import INSTRUMENTS, MAX_BYTES
from knotwork.fhir.services import import_questionnaire


class Command(BaseCommand):
    help = (
        "Load a clinic's licensed ODI or NDI wording from a FHIR Questionnaire (JSON), as the owner whose licence it "
        "is. Owners can also upload it under FHIR export -> Load questionnaire wording."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the FHIR Questionnaire, as JSON (a Bundle holding one works)")
        parser.add_argument("--instrument", required=True, choices=sorted(INSTRUMENTS), help="odi or ndi")
        parser.add_argument("--clinic", help="the clinic's name, exactly as in Knotwork (needed with several)")
        parser.add_argument("--owner", help="the email of the owner loading it (needed when the clinic has several)")

    def handle(self, *args, file: str, instrument: str, clinic: str | None, owner: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file!r}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file} is larger than {MAX_BYTES // 1024} KB; a Questionnaire is smaller.")
        target = self._clinic(clinic)
        by = self._owner(target, owner)
        try:
            text = import_questionnaire(
                clinic=target, content=path.read_bytes(), instrument=instrument, filename=path.name, by=by
            )
        except ValidationError as error:
            raise CommandError("Nothing was loaded: " + " ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {text} for {target.name}."))

    def _clinic(self, name: str | None) -> Clinic:
        clinics = Clinic.objects.filter(name__iexact=name.strip()) if name else Clinic.objects.all()
        found = list(clinics[:2])
        if not found:
            raise CommandError(f"No clinic is called {name!r}." if name else "There is no clinic yet.")
        if len(found) > 1:
            raise CommandError(
                "Name the clinic with --clinic: there are several."
                if not name
                else f"More than one clinic is called {name!r}; rename one in its settings first."
            )
        return found[0]

    def _owner(self, clinic: Clinic, email: str | None):
        owners = clinic.memberships.filter(role=Role.OWNER, is_active=True, user__is_active=True).select_related("user")
        if email:
            owners = owners.filter(user__email__iexact=email.strip())
        found = [m.user for m in owners[:2]]
        if not found:
            raise CommandError(
                f"{email!r} is not an active owner of {clinic.name}."
                if email
                else f"{clinic.name} has no active owner to load the wording as."
            )
        if len(found) > 1:
            raise CommandError("The clinic has several owners: name the one loading it with --owner EMAIL.")
        return found[0]
