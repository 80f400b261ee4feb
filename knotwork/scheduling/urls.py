from django.urls import path

from knotwork.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("book/", views.book, name="book"),
    path("appointments/<uuid:public_id>/", views.appointment_detail, name="appointment"),
    path("appointments/<uuid:public_id>/move/", views.move, name="move"),
    path("patients/search/", views.patient_search, name="patient_search"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/<uuid:public_id>/", views.room_edit, name="room_edit"),
    path("appointments/<uuid:public_id>/appointment.ics", views.appointment_ics, name="appointment_ics"),
    path("availability/", views.availability, name="availability"),
    path("time-off/<uuid:public_id>/delete/", views.time_off_delete, name="time_off_delete"),
    path("types/", views.appointment_types, name="types"),
    path("types/<uuid:public_id>/", views.appointment_type_edit, name="type_edit"),
    path("feed/", views.feed, name="feed"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed_ics"),
]
