from django.urls import path

from knotwork.booking import views

app_name = "booking"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("online/", views.online_list, name="online"),
    path("online/<uuid:booking_id>/reviewed/", views.mark_reviewed, name="reviewed"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("waitlist/<uuid:entry_id>/remove/", views.waitlist_remove, name="waitlist_remove"),
    path("offer/<str:token>/", views.offer, name="offer"),
    path("<uuid:clinic_id>/", views.book, name="book"),
]
