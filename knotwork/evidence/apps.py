from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Practice-based evidence: responder rates, time to relief, soreness and safety from the clinic's own records."""

    name = "knotwork.evidence"
    label = "evidence"
    verbose_name = "Evidence"
