from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "knotwork.core"
    label = "core"

    def ready(self) -> None:
        from knotwork.core import policy

        policy.discover()


class KnotworkAdminConfig(admin_apps.AdminConfig):
    default = False
    """Replace the default admin site with one that clinic owners may enter, scoped to their clinic."""

    default_site = "knotwork.core.admin.KnotworkAdminSite"
