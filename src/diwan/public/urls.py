from django.urls import include, path

from diwan.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", include("diwan.public.catalogue_urls")),
]
