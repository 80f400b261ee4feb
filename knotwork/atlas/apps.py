from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "knotwork.atlas"
    label = "atlas"
    verbose_name = "Trigger point atlas"
