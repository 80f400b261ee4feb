from django.urls import path

from knotwork.chart import views

# Mounted at the site root, so the chart and the course page keep their addresses under patients/ and plans/.
app_name = "chart"
urlpatterns = [
    path("patients/<uuid:public_id>/", views.patient_chart, name="patient"),
    path("plans/<uuid:plan_id>/", views.course, name="course"),
    path("patients/<uuid:public_id>/texts/", views.text_consent, name="text_consent"),
]
