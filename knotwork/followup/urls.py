from django.urls import path

from knotwork.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("flags/<uuid:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("patients/<uuid:patient_id>/", views.patient_follow_up, name="patient"),
    path("check-ins/<uuid:check_in_id>/link/", views.check_in_link, name="check_in_link"),
    path("patients/<uuid:patient_id>/questionnaires/", views.questionnaire_request, name="questionnaire_request"),
    path("questionnaires/<uuid:request_id>/withdraw/", views.questionnaire_withdraw, name="questionnaire_withdraw"),
]
