from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "knotwork.portal"
    label = "portal"
    verbose_name = "Patient portal"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knotwork.followup import hooks as followup_hooks
        from knotwork.portal import services
        from knotwork.portal.models import PatientLink, link_url
        from knotwork.scheduling import hooks as scheduling_hooks

        auditlog.register(PatientLink, exclude_fields=["token_hash"])
        # Follow-up sends check-ins and care-page links; the portal makes them.
        followup_hooks.check_in_link.register(services.create_check_in_link)
        followup_hooks.patient_link.register(services.create_patient_link)
        followup_hooks.link_url.register(link_url)
        # A booked, moved or cancelled visit: the patient hears of it, with the links they need.
        scheduling_hooks.appointment_changed.register(services.send_visit_message)
