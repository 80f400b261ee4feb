from django.urls import path

from knotwork.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<uuid:public_id>/", views.endpoint_detail, name="endpoint"),
    path("<uuid:public_id>/test/", views.endpoint_test, name="endpoint_test"),
    path("<uuid:public_id>/active/", views.endpoint_active, name="endpoint_active"),
    path("<uuid:public_id>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path("<uuid:public_id>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("deliveries/<uuid:public_id>/", views.delivery_detail, name="delivery"),
    path("deliveries/<uuid:public_id>/replay/", views.delivery_replay, name="delivery_replay"),
]
