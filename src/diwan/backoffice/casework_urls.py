"""Casework pages under /office/cases/ (names in the backoffice namespace)."""

from django.urls import path

from diwan.backoffice import casework_views as views

urlpatterns = [
    path("", views.inbox, name="casework-inbox"),
    path("<int:application_id>/", views.case, name="casework-case"),
    path(
        "<int:application_id>/tasks/<int:task_id>/<slug:action>/",
        views.task_action,
        name="casework-task-action",
    ),
    path("<int:application_id>/messages/", views.message_reply, name="casework-message"),
    path("files/<int:attachment_id>/", views.case_file, name="casework-file"),
    path("tasks/<int:task_id>/reassign/", views.reassign, name="casework-reassign"),
    path("break-glass/", views.break_glass, name="casework-break-glass"),
    path("break-glass/openings/", views.integrity, name="casework-integrity"),
    path("break-glass/openings/<int:access_id>/", views.integrity_review, name="casework-integrity-review"),
    path("relatives/", views.relatives, name="casework-relatives"),
]
