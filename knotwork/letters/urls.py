from django.urls import path

from knotwork.letters import views
from knotwork.letters.models import LetterKind

app_name = "letters"
urlpatterns = [
    path("templates/", views.templates, name="templates"),
    path(
        "patients/<uuid:patient_id>/progress-report/",
        views.compose,
        {"kind": LetterKind.PROGRESS.value},
        name="progress",
    ),
    path(
        "patients/<uuid:patient_id>/discharge-letter/",
        views.compose,
        {"kind": LetterKind.DISCHARGE.value},
        name="discharge",
    ),
    path("<uuid:public_id>/", views.detail, name="detail"),
]
