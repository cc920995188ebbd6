"""Citizen sign-in: phone number + one-time code, and the national eID (OpenID Connect)."""

from django.urls import path

from diwan.portal import signin_views

urlpatterns = [
    path("sign-in/", signin_views.sign_in, name="sign-in"),
    path("sign-out/", signin_views.sign_out, name="sign-out"),
]
