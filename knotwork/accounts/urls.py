from django.urls import path

from knotwork.accounts import views

app_name = "accounts"
urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/members/<uuid:public_id>/role/", views.member_role, name="member_role"),
    path("staff/members/<uuid:public_id>/active/", views.member_active, name="member_active"),
    path("staff/members/<uuid:public_id>/physician/", views.member_physician, name="member_physician"),
    path("staff/members/<uuid:public_id>/sessions/end/", views.member_sessions_end, name="member_sessions_end"),
    path("sign-out-everywhere/", views.sessions_end_all, name="sessions_end_all"),
    path("staff/invitations/<uuid:public_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("staff/api-keys/", views.api_keys, name="api_keys"),
    path("staff/api-keys/<uuid:public_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
