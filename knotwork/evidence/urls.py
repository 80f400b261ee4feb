from django.urls import path

from knotwork.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.page, name="page"),
    path("figures.csv", views.figures_csv, name="csv"),
    path("figures.pdf", views.figures_pdf, name="pdf"),
    path("refresh/", views.refresh, name="refresh"),
    path("settings/", views.change_settings, name="settings"),
]
