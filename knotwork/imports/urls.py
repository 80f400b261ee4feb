from django.urls import path

from knotwork.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("<uuid:public_id>/mapping/", views.mapping, name="mapping"),
    path("<uuid:public_id>/review/", views.review, name="review"),
    path("<uuid:public_id>/discard/", views.discard, name="discard"),
    path("<uuid:public_id>/", views.run_detail, name="run"),
]
