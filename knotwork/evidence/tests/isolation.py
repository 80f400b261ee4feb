"""One row of every clinic-scoped model of the evidence app, for the clinic-isolation URL walk."""

from django.utils import timezone

from knotwork.evidence.models import EvidenceSummary


def records(patient, owner, marker) -> list:
    # A summary holds counts only; the marker stands where another clinic's figures would show.
    summary, _created = EvidenceSummary.objects.update_or_create(
        clinic_id=patient.clinic_id,
        period="all",
        defaults={"label": marker, "computed_at": timezone.now(), "figures": {}},
    )
    return [summary]
