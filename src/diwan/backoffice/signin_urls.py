"""Staff sign-in: username + password, then TOTP (or authenticator enrolment the first time)."""

from django.urls import path

from diwan.backoffice import signin_views

urlpatterns = [
    path("staff/sign-in/", signin_views.sign_in, name="staff-sign-in"),
    path("staff/verify/", signin_views.verify_mfa, name="staff-mfa"),
    path("staff/set-up-authenticator/", signin_views.enrol_mfa, name="staff-mfa-enrol"),
]
