from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "knotwork.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.patients.models import Patient, ReferringClinician

        auditlog.register(Patient)
        auditlog.register(ReferringClinician)
