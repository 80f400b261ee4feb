from django.urls import path

from knotwork.fhir import views
from knotwork.fhir.resources import EXPORT_TYPES

# Mounted at /fhir/r4/. Reads by id are one path per exported type; any other address under it (a resource type
# or operation this server does not have) is a 404 OperationOutcome, as FHIR clients expect, not an HTML page.
app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:public_id>/$everything", views.everything, name="everything"),
    path("DocumentReference/<str:public_id>/note.pdf", views.note_pdf, name="note_pdf"),
    path("$export", views.export_kick_off, name="export"),
    path("$export-status/<uuid:public_id>", views.export_status, name="export_status"),
    path("$export-files/<uuid:public_id>/<str:resource_type>.ndjson", views.export_file, name="export_file"),
    path("exports/", views.exports_page, name="exports"),
    path("exports/start/", views.start_export_page, name="start_export"),
    path("exports/<uuid:public_id>/<str:resource_type>.ndjson", views.owner_file, name="owner_file"),
    path("questionnaires/", views.questionnaire_upload, name="questionnaire_upload"),
    *(path(f"{t}/<str:public_id>", views.read(t), name=f"read_{t.lower()}") for t in EXPORT_TYPES),
    path("<path:address>", views.not_supported, name="not_supported"),
]
