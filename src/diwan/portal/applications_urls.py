"""The citizen's applications (issue 3 §2): start, fill in page by page, check, submit, follow, correct."""

from django.urls import path

from diwan.portal import applications_views as views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("start/<slug:code>/", views.start, name="start"),
    path("<int:application_id>/", views.detail, name="detail"),
    path("<int:application_id>/page/<slug:page_key>/", views.form_page, name="page"),
    path("<int:application_id>/check/", views.check, name="check"),
    path("<int:application_id>/submitted/", views.submitted, name="submitted"),
    path("<int:application_id>/delete/", views.delete, name="delete"),
    path("<int:application_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:application_id>/messages/", views.message, name="message"),
    path("files/<int:attachment_id>/", views.attachment, name="file"),
]
