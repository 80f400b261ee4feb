"""Who may import patients (rows of tests/test_policy_table.py): the owner alone."""

from knotwork.imports import services
from knotwork.imports.models import ImportSource
from knotwork.imports.sources import SourceRow
from tests.policy_actors import OWNER

CSV = b"ID,First Name,Last Name,Date of Birth\nX-1,Ada,Imported,1980-04-01\n"


def _run(w):
    return services.start_import(clinic=w.clinic, by=w.owner, data=CSV, file_name="export.csv")


def _rows(w):
    return [SourceRow(number=2, values={"first_name": "Ada", "last_name": "Imported", "date_of_birth": "1980-04-01"})]


ROWS = {
    "imports.import_patients": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "rows": _rows(w), "source": ImportSource.CSV, "good_rows_only": True},
    ),
    "imports.start_import": ({OWNER}, lambda w: {"clinic": w.clinic, "data": CSV, "file_name": "export.csv"}),
    "imports.set_import_mapping": (
        {OWNER},
        lambda w: {
            "run": _run(w),
            "mapping": {"first_name": "First Name", "last_name": "Last Name", "date_of_birth": "Date of Birth"},
            "date_order": "dmy",
        },
    ),
    "imports.dry_run_import": ({OWNER}, lambda w: {"run": _run(w)}),
    "imports.apply_import": ({OWNER}, lambda w: {"run": _run(w), "good_rows_only": True}),
    "imports.discard_import": ({OWNER}, lambda w: {"run": _run(w)}),
}

NOT_SERVICES = {
    # Where uploads are kept (Django's default storage): returns it, writes nothing.
    "imports.import_storage",
    # Reads an uploaded file's bytes to tell CSV from FHIR and check it can be read; writes nothing.
    "imports.read_upload",
    # Read the kept file of a run (its CSV headers, its rows with the mapping); write nothing.
    "imports.headers_of",
    "imports.rows_of",
}
