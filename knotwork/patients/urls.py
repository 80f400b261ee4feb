from django.urls import path

from knotwork.patients import views

# The chart itself (patients/<id>/) is the chart app's page, chart:patient.
app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<uuid:public_id>/edit/", views.patient_edit, name="edit"),
    path("<uuid:public_id>/status/", views.patient_status, name="status"),
    path("referrers/", views.referrer_list, name="referrer_list"),
    path("referrers/new/", views.referrer_edit, name="referrer_create"),
    path("referrers/<uuid:public_id>/", views.referrer_edit, name="referrer_edit"),
]
