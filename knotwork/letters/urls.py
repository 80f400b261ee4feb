from django.urls import path

from knotwork.letters import views

app_name = "letters"
urlpatterns = [
    path("templates/", views.templates, name="templates"),
    path("patients/<uuid:patient_id>/<str:kind>/", views.compose, name="compose"),
    path("<uuid:public_id>/", views.detail, name="detail"),
]
