from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knotwork.clinics.models import Clinic, Membership, Role
from knotwork.core.errors import ClinicRuleError
from knotwork.imports.models import ImportSource, Outcome
from knotwork.imports.services import DATE_ORDERS, import_patients, read_upload
from knotwork.imports.sources import SourceError, csv_rows, fhir_rows, preset_mapping, read_csv


class Command(BaseCommand):
    help = (
        "Import patients (and their upcoming appointments) from another practice system's CSV export or a FHIR "
        "Patient bundle, as the clinic's owner. CSV columns are matched by Knotwork's presets for Cliniko and Jane "
        "exports; use the browser (Import patients) to map other columns. Rows with problems stop the import "
        "unless --good-rows-only is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV export or the FHIR Bundle (JSON)")
        parser.add_argument("--clinic", required=True, help="The clinic's name, exactly as in Knotwork")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, row by row; change nothing")
        parser.add_argument(
            "--good-rows-only", action="store_true", help="import the good rows and report the rows with problems"
        )
        parser.add_argument(
            "--date-order", default="mdy", choices=list(DATE_ORDERS), help="how dates with slashes are written"
        )
        parser.add_argument("--owner", default="", help="the owner's email, when the clinic has more than one")

    def handle(self, *args, file: str, clinic: str, dry_run: bool, good_rows_only: bool, date_order: str, **options):
        target = self._clinic(clinic)
        owner = self._owner(target, options["owner"])
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        data = path.read_bytes()
        try:
            source, headers = read_upload(data, path.name)
            if source == ImportSource.FHIR:
                rows = fhir_rows(data)
            else:
                mapping = preset_mapping(headers)
                rows = csv_rows(read_csv(data), mapping)
        except SourceError as error:
            raise CommandError(f"{path.name}: {error}") from error
        try:
            result = import_patients(
                clinic=target,
                by=owner,
                rows=rows,
                source=source,
                date_order=date_order,
                dry_run=dry_run,
                good_rows_only=good_rows_only,
                file_name=path.name,
            )
        except ClinicRuleError as error:
            raise CommandError(str(error)) from error
        for row in result.rows:
            if dry_run or row.outcome in (Outcome.ERROR, Outcome.DUPLICATE):
                self.stdout.write(f"row {row.number}: {row.outcome_label}. {row.reason}")
        if result.refusal:
            raise CommandError(result.refusal)
        prefix = "Dry run (nothing changed)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{prefix}: {result.summary()}."))

    def _clinic(self, name: str) -> Clinic:
        matches = list(Clinic.objects.filter(name__iexact=name.strip())[:2])
        if not matches:
            raise CommandError(f"No clinic is called {name!r}.")
        if len(matches) > 1:
            raise CommandError(f"More than one clinic is called {name!r}; rename one in its settings first.")
        return matches[0]

    def _owner(self, clinic: Clinic, email: str):
        owners = Membership.objects.filter(clinic=clinic, role=Role.OWNER, is_active=True, user__is_active=True)
        if email:
            owners = owners.filter(user__email__iexact=email.strip())
        found = list(owners.select_related("user")[:2])
        if not found:
            raise CommandError(f"{clinic.name} has no active owner{' with that email' if email else ''}.")
        if len(found) > 1:
            raise CommandError(f"{clinic.name} has more than one owner: say which with --owner EMAIL.")
        return found[0].user
