"""A staff member's own account security (namespace backoffice)."""

from django.urls import path

from diwan.backoffice import security_views

urlpatterns = [
    path("", security_views.index, name="security"),
    path("password/", security_views.change_password, name="security-password"),
    path("authenticator/", security_views.authenticator, name="security-authenticator"),
    path("sign-out-everywhere/", security_views.sign_out_everywhere, name="security-sign-out-everywhere"),
]
