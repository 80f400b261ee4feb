from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "knotwork.portal"
    label = "portal"
    verbose_name = "Patient portal"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.portal.models import PatientLink

        auditlog.register(PatientLink, exclude_fields=["token_hash"])
