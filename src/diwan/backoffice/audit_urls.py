"""The auditors' event browser (docs/audit.md)."""

from django.urls import path

from diwan.backoffice import audit_views

urlpatterns = [
    path("events/", audit_views.events, name="audit-events"),
    path("events/<int:event_id>/", audit_views.event, name="audit-event"),
]
