"""Citizen sign-in: phone number + one-time code, and the national eID (OpenID Connect)."""

from django.urls import path

from diwan.portal import signin_views

urlpatterns = [
    path("sign-in/", signin_views.sign_in, name="sign-in"),
    path("sign-in/code/", signin_views.sign_in_code, name="sign-in-code"),
    path("sign-in/profile/", signin_views.sign_in_profile, name="sign-in-profile"),
    path("eid/start/", signin_views.eid_start, name="eid-start"),
    path("eid/callback/", signin_views.eid_callback, name="eid-callback"),
    path("sign-out/", signin_views.sign_out, name="sign-out"),
]
