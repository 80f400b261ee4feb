"""One row of every clinic-scoped fhir model, for the clinic-isolation URL walk (tests/test_clinic_isolation.py)."""

from django.utils import timezone

from knotwork.fhir.models import ExportStatus, FhirExport


def records(patient, owner, marker) -> list:
    now = timezone.now()
    export = FhirExport.objects.create(
        clinic=patient.clinic,
        requested_by=owner,
        status=ExportStatus.DONE,
        storage_prefix=f"clinics/{patient.clinic.public_id}/fhir-exports/{marker.lower()}",
        progress=100,
        files=[],
        started_at=now,
        finished_at=now,
        expires_at=now + timezone.timedelta(hours=24),
    )
    return [export]
