from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "knotwork.clinics"
    label = "clinics"
    verbose_name = "Clinics"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.clinics.models import ClinicSettings, Membership

        auditlog.register(ClinicSettings)
        auditlog.register(Membership)
