from django.urls import path

from diwan.public import catalogue_views as views

app_name = "catalogue"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("life-events/", views.life_events, name="life-events"),
    path("<slug:code>/", views.service_detail, name="detail"),
]
