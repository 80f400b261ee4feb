from django.urls import path

from knotwork.treatment import views

app_name = "treatment"
urlpatterns = [
    path("patients/<uuid:patient_id>/start/", views.session_start, name="start"),
    path("sessions/<uuid:public_id>/", views.session_detail, name="session"),
    path("sessions/<uuid:public_id>/note/", views.note_detail, name="note"),
    path("points/<uuid:public_id>/release/", views.point_release, name="release"),
]
