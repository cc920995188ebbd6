"""Staff pages. Each area has its own URL module, included here."""

from django.urls import include, path

from diwan.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", include("diwan.backoffice.directory_urls")),
    path("security/", include("diwan.backoffice.security_urls")),
    path("audit/", include("diwan.backoffice.audit_urls")),
    path("cases/", include("diwan.backoffice.casework_urls")),
]
