from django.urls import path

from techmarket.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_totp_view, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("workspace/", views.workspace, name="workspace"),
    path("organisation/", views.organisation_view, name="organisation"),
    path("organisation/members/", views.members_view, name="members"),
    path(
        "organisation/members/<int:membership_id>/remove/",
        views.member_remove_view,
        name="member_remove",
    ),
    path("organisation/api-keys/", views.api_keys_view, name="api_keys"),
    path(
        "organisation/api-keys/<int:key_id>/revoke/",
        views.api_key_revoke_view,
        name="api_key_revoke",
    ),
    path("bureau/verification/", views.verification_queue_view, name="verification_queue"),
    path(
        "bureau/verification/<int:org_id>/",
        views.verification_detail_view,
        name="verification_detail",
    ),
    path("security/", views.security_view, name="security"),
]
