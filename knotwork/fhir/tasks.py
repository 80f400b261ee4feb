from django.tasks import task

from knotwork.core.policy import SystemActor
from knotwork.fhir import services
from knotwork.fhir.models import FhirExport

WORKER = SystemActor("task worker")


@task
def run_export_task(*, export_id: int) -> str:
    """Write one bulk export (queued by `start_export` with the export's id only); first delete expired ones."""
    services.delete_expired_exports(by=WORKER)
    export = FhirExport.objects.select_related("clinic", "requested_by").filter(pk=export_id).first()
    if export is None:  # deleted before the worker reached it
        return "gone"
    return services.run_export(export=export, by=WORKER).status
