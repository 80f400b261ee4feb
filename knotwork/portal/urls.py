from django.urls import path

from knotwork.portal import views

app_name = "portal"
urlpatterns = [
    path("p/<str:token>/", views.entry, name="entry"),
    path("p/<str:token>/check-ins/<uuid:check_in_id>/", views.check_in, name="check_in"),
    path("p/<str:token>/diary/", views.diary, name="diary"),
    path("p/<str:token>/questionnaires/<uuid:request_id>/", views.questionnaire, name="questionnaire"),
    path("p/<str:token>/home-program/", views.home_program, name="home_program"),
    path("p/<str:token>/aftercare/<uuid:session_id>/", views.aftercare, name="aftercare"),
    path("p/<str:token>/appointments/<uuid:appointment_id>.ics", views.appointment_ics, name="appointment_ics"),
    path("patients/<uuid:patient_id>/links/", views.link_create, name="link_create"),
]
