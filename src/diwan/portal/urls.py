from django.urls import include, path

from diwan.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", include("diwan.portal.applications_urls")),
]
