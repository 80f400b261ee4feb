from django.contrib import admin

from knotwork.audit.services import record_view, record_views
from knotwork.core.admin import ClinicScopedAdmin
from knotwork.patients.models import Patient, ReferringClinician


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ["chart_number", "last_name", "first_name", "date_of_birth", "status"]
    list_filter = ["status", "sex"]
    search_fields = ["chart_number", "last_name", "first_name"]
    # Status changes follow the clinic's rules (a reason for a hold) on the chart; the chart number stays.
    readonly_fields = ["public_id", "chart_number", "status", "status_reason", "created_at", "updated_at"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        patient = self.get_object(request, object_id)
        if patient is not None:
            record_view(instance=patient, by=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            record_views(instances=changelist.result_list, by=request.user, shown_in="admin list")
        return response

    def history_view(self, request, object_id, extra_context=None):
        patient = self.get_object(request, object_id)
        if patient is not None and self.has_view_permission(request, patient):
            record_view(instance=patient, by=request.user, shown_in="admin history")
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "referring_clinician":
            kwargs["queryset"] = ReferringClinician.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReferringClinician)
class ReferringClinicianAdmin(ClinicScopedAdmin):
    list_display = ["name", "profession", "practice", "phone"]
    search_fields = ["name", "practice"]
