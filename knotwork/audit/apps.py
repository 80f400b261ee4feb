from django.apps import AppConfig
from django.tasks.signals import task_finished, task_started


class AuditConfig(AppConfig):
    name = "knotwork.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Imported here, as Django asks: the actors module imports the user model, ready only now.
        from knotwork.audit import actors

        task_started.connect(actors.task_started, dispatch_uid="knotwork.audit.task_started")
        task_finished.connect(actors.task_finished, dispatch_uid="knotwork.audit.task_finished")
