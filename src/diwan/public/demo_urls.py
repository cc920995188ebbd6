"""Development helpers, refused in production (policy DEMO_ONLY)."""

from django.urls import path

from diwan.public import demo_views

app_name = "demo"

urlpatterns = [
    path("outbox/", demo_views.outbox, name="outbox"),
]
