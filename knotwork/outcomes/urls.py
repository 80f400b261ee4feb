from django.urls import path

from knotwork.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("patients/<uuid:patient_id>/", views.patient_list, name="patient_list"),
    path("patients/<uuid:patient_id>/record/", views.record, name="record"),
    path("questionnaires/<uuid:public_id>/", views.detail, name="detail"),
    path("wording/", views.wording, name="wording"),
]
