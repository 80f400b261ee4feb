from django.urls import path

from knotwork.plans import views

app_name = "plans"
urlpatterns = [
    path("<uuid:plan_id>/", views.plan_detail, name="detail"),
]
