from django.urls import path

from knotwork.messaging import views

app_name = "messaging"
urlpatterns = [
    path("texts/inbound/", views.inbound_text, name="inbound_text"),
    path("templates/", views.templates, name="templates"),
]
