from django.urls import path

from knotwork.documents import views

app_name = "documents"
urlpatterns = [
    path("patients/<uuid:patient_id>/", views.patient_documents, name="patient"),
    path("patients/<uuid:patient_id>/upload-form/", views.upload_form, name="upload_form"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/open/", views.open_file, name="open"),
    path("<uuid:public_id>/download/", views.download, name="download"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
]
