"""Public audit pages: published checkpoints (owned by the audit subsystem, docs/audit.md)."""

from django.urls import path

from diwan.public import audit_views

app_name = "audit"

urlpatterns = [
    path("checkpoints/", audit_views.checkpoints, name="checkpoints"),
]
