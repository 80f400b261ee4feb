from django.urls import path

from knotwork.portal import views

app_name = "portal"
urlpatterns = [
    # The pages a link opens carry no token: the link's own address (last) opens them once, in a session.
    path("p/care/", views.care, name="care"),
    path("p/care/check-ins/<uuid:check_in_id>/", views.check_in, name="check_in"),
    path("p/care/diary/", views.diary, name="diary"),
    path("p/care/questionnaires/<uuid:request_id>/", views.questionnaire, name="questionnaire"),
    path("p/care/home-program/", views.home_program, name="home_program"),
    path("p/care/aftercare/<uuid:session_id>/", views.aftercare, name="aftercare"),
    path("p/care/appointments/<uuid:appointment_id>.ics", views.appointment_ics, name="appointment_ics"),
    path("p/care/appointments/<uuid:appointment_id>/move/", views.visit_move, name="visit_move"),
    path("p/care/appointments/<uuid:appointment_id>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("p/care/waitlist/", views.waitlist, name="waitlist"),
    path("p/intake/", views.intake, name="intake"),
    path("p/consents/", views.consents, name="consents"),
    path("p/consent/", views.consent, name="consent"),
    path("p/check-in/", views.answer_check_in, name="answer_check_in"),
    path("p/<str:token>/", views.entry, name="entry"),
    path("patients/<uuid:patient_id>/links/", views.link_create, name="link_create"),
]
