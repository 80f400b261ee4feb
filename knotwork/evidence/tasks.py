from django.tasks import task

from knotwork.clinics.models import Clinic
from knotwork.core.policy import SystemActor
from knotwork.evidence import services

WORKER = SystemActor("task worker")


@task
def refresh_evidence_task(*, clinic_id: int) -> int:
    """Recompute one clinic's evidence summaries (queued by `request_refresh` with the clinic's id only)."""
    clinic = Clinic.objects.filter(pk=clinic_id).first()
    if clinic is None:  # the clinic is gone: nothing to refresh
        return 0
    return services.refresh_summaries(clinic=clinic, by=WORKER)
