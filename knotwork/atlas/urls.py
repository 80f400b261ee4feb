from django.urls import path

from knotwork.atlas import views

app_name = "atlas"
urlpatterns = [
    path("", views.muscle_list, name="list"),
    path("where-does-it-hurt/", views.referral_differential, name="refer"),
    path("muscles/<slug:muscle_id>/", views.muscle_detail, name="detail"),
]
