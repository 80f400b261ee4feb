"""The evidence app's writes: refresh the precomputed figures, change the settings, take the research export."""

import datetime
from pathlib import Path
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from knotwork.audit.services import record_export
from knotwork.clinics.models import Clinic
from knotwork.core.arguments import refuse_unknown
from knotwork.core.policy import Actor, require
from knotwork.evidence import export, figures, tasks
from knotwork.evidence.models import EvidenceSettings, EvidenceSummary


def _settings_for_update(clinic: Clinic) -> EvidenceSettings:
    EvidenceSettings.objects.get_or_create(clinic=clinic)
    return EvidenceSettings.objects.select_for_update().get(clinic=clinic)


@transaction.atomic
def request_refresh(*, clinic: Clinic, by: Actor) -> EvidenceSettings:
    """Ask the task worker to recompute the clinic's figures (the task gets the clinic's id, nothing else)."""
    require(by, "refresh_evidence", clinic)
    settings = _settings_for_update(clinic)
    settings.refresh_requested_at = timezone.now()
    settings.save(update_fields=["refresh_requested_at", "updated_at"])
    transaction.on_commit(lambda: tasks.refresh_evidence_task.enqueue(clinic_id=clinic.pk))
    return settings


def refresh_summaries(*, clinic: Clinic, by: Actor, today: datetime.date | None = None) -> int:
    """Recompute every period's summary of the clinic from its records; returns how many periods were written.

    The counting reads the whole history (minutes at a large clinic), outside a transaction; the summaries are
    then replaced in one short transaction, so the page always shows one complete set.
    """
    require(by, "refresh_evidence", clinic)
    today = today or timezone.localdate(timezone=clinic.tzinfo)
    counted = figures.compute(clinic, today=today)
    now = timezone.now()
    with transaction.atomic():
        for period, counts in counted.items():
            EvidenceSummary.objects.update_or_create(
                clinic=clinic,
                period=period.key,
                defaults={
                    "label": period.label,
                    "first_day": period.first,
                    "last_day": period.last,
                    "computed_at": now,
                    "figures": counts,
                },
            )
        EvidenceSummary.objects.filter(clinic=clinic).exclude(period__in=[p.key for p in counted]).delete()
        EvidenceSettings.objects.filter(clinic=clinic).update(refresh_requested_at=None)
    return len(counted)


class EvidenceChanges(TypedDict, total=False):
    minimum_count: int
    pooled: bool


@transaction.atomic
def change_evidence_settings(*, clinic: Clinic, by: Actor, **changes: Unpack[EvidenceChanges]) -> EvidenceSettings:
    """Change the smallest group shown and whether the clinic shares its counts in pooled figures."""
    require(by, "change_evidence_settings", clinic)
    refuse_unknown("change_evidence_settings", changes, EvidenceChanges)
    settings = _settings_for_update(clinic)
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def export_research_data(*, clinics: list[Clinic], out: Path, k: int, by: Actor) -> export.Written:
    """Write the de-identified research export of `clinics` into `out` (CSV, FHIR bundles, data dictionary).

    Each clinic's audit trail gets an 'exported' entry with the number of rows, the k used and what was suppressed.
    """
    for clinic in clinics:
        require(by, "export_evidence", clinic)
    written = export.write_export(clinics, out=out, k=k)
    for clinic in clinics:
        record_export(
            instance=clinic,
            by=by,
            what="de-identified research export",
            details={
                "rows": written.rows_by_clinic.get(clinic.pk, 0),
                "k": k,
                "suppressed": written.suppressed,
                "level": written.level,
            },
        )
    return written
