from django.urls import path

from knotwork.portal import views

app_name = "portal"
urlpatterns = [
    path("p/<str:token>/", views.entry, name="entry"),
    path("patients/<uuid:patient_id>/links/", views.link_create, name="link_create"),
]
