from django.urls import path

from knotwork.plans import views

# The course page (plans/<id>/) is the chart app's (chart:course); its review PDF is a report.
app_name = "plans"
urlpatterns = [
    path("new/<uuid:patient_id>/", views.plan_create, name="create"),
    path("<uuid:plan_id>/goals/", views.goal_add, name="goal_add"),
    path("<uuid:plan_id>/goals/<uuid:goal_id>/met/", views.goal_met, name="goal_met"),
    path("<uuid:plan_id>/home-program/", views.exercise_add, name="exercise_add"),
    path("<uuid:plan_id>/home-program/<uuid:exercise_id>/remove/", views.exercise_remove, name="exercise_remove"),
    path("<uuid:plan_id>/appointments/", views.propose, name="propose"),
    path("<uuid:plan_id>/end/", views.plan_end, name="end"),
]
