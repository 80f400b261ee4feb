from django.urls import path

from knotwork.clinics import views

app_name = "clinics"
urlpatterns = [
    path("settings/", views.settings_edit, name="settings"),
]
