"""`manage.py export_evidence --out DIR [--k 5] [--clinic CLINIC]`: the de-identified research export.

Writes DIR/evidence.csv (one row per course), DIR/fhir/bundle-NNNN.json (FHIR R4 collection bundles),
DIR/data-dictionary.csv and DIR/export.json (k, the generalisation used, rows suppressed). docs/evidence.md says
what is removed and how the quasi-identifiers are generalised.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knotwork.core.policy import SystemActor
from knotwork.evidence import services
from knotwork.evidence.management.commands._clinics import clinics_from

ACTOR = SystemActor("export_evidence command")
K_MIN, K_MAX = 2, 100


def _k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise CommandError(f"--k must be a whole number, not {value!r}.") from None
    if not K_MIN <= k <= K_MAX:
        raise CommandError(f"--k must be between {K_MIN} and {K_MAX}, not {k}.")
    return k


class Command(BaseCommand):
    help = "Write the de-identified research export (CSV, FHIR R4 bundles, data dictionary) into --out."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write into (created; must be empty)")
        parser.add_argument("--k", default="5", help="every group of age band, sex, area and period holds k people")
        parser.add_argument("--clinic", help="one clinic's public id or exact name (default: every clinic)")

    def handle(self, *args, out, k, clinic=None, **options):
        k = _k(k)
        directory = Path(out)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"--out {out} is a file, not a directory.")
        if directory.is_dir() and any(directory.iterdir()):
            raise CommandError(f"--out {out} is not empty: give a new or empty directory.")
        clinics = clinics_from(clinic)
        written = services.export_research_data(clinics=clinics, out=directory, k=k, by=ACTOR)
        self.stdout.write(
            f"{written.rows} courses of {written.people} people written to {directory} "
            f"(k={k}, generalised to {written.level}; {written.suppressed} rows suppressed)."
        )
        for name in written.files[:5]:
            self.stdout.write(f"  {name}")
        if len(written.files) > 5:
            self.stdout.write(f"  … and {len(written.files) - 5} more bundle files")
