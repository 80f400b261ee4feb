"""Who may call the fhir services (tests/test_policy_table.py adds these rows to its table)."""

from django.utils import timezone

from knotwork.fhir.models import ExportStatus, FhirExport
from knotwork.fhir.tests.questionnaires import fhir_questionnaire
from tests.policy_actors import OWNER, SYSTEM


def _export(w, status=ExportStatus.QUEUED) -> FhirExport:
    """An export of goals changed since now (so running it writes no file), asked for by the owner."""
    return FhirExport.objects.create(
        clinic=w.clinic,
        requested_by=w.owner,
        status=status,
        types=["Goal"],
        since=timezone.now(),
        storage_prefix=f"clinics/{w.clinic.public_id}/fhir-exports/policy-table",
    )


ROWS = {
    "fhir.start_export": ({OWNER, SYSTEM}, lambda w: {"clinic": w.clinic, "types": ["Organization"]}),
    "fhir.run_export": ({OWNER, SYSTEM}, lambda w: {"export": _export(w)}),
    "fhir.cancel_export": ({OWNER, SYSTEM}, lambda w: {"export": _export(w, ExportStatus.DONE)}),
    "fhir.delete_expired_exports": ({SYSTEM}, lambda w: {}),
    "fhir.import_questionnaire": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "content": fhir_questionnaire(), "instrument": "odi", "filename": "odi.json"},
    ),
}
NOT_SERVICES = {
    # Settings and storage read, nothing written.
    "fhir.retention",
    "fhir.export_storage",
    # Reads the `_type` parameter: a pure check.
    "fhir.parse_types",
}
