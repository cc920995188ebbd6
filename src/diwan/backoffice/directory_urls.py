"""Directory management pages under /office/directory/ (names in the backoffice namespace)."""

from django.urls import path

from diwan.backoffice import directory_views as views

urlpatterns = [
    path("", views.index, name="directory-index"),
    path("agencies/new/", views.agency_create, name="directory-agency-create"),
    path("agencies/<slug:code>/", views.agency_detail, name="directory-agency"),
    path("agencies/<slug:code>/offices/new/", views.office_create, name="directory-office-create"),
    path("offices/<int:office_id>/positions/new/", views.position_create, name="directory-position-create"),
    path(
        "positions/<int:position_id>/members/new/", views.membership_grant, name="directory-membership-grant"
    ),
    path("memberships/<int:membership_id>/end/", views.membership_end, name="directory-membership-end"),
    path(
        "positions/<int:position_id>/delegations/new/",
        views.delegation_create,
        name="directory-delegation-create",
    ),
    path("delegations/<int:delegation_id>/end/", views.delegation_end, name="directory-delegation-end"),
]
