from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Documents on the chart: referral letters, imaging and lab reports, photos, and every letter sent."""

    name = "knotwork.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.documents.models import Document

        auditlog.register(Document)
