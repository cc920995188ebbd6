"""URL map. Language-prefixed pages (/ar/, /ckb/, /en/), unprefixed health checks and the JSON API.

Each interface package owns its URL modules; see docs/architecture.md ("where to add things").
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from diwan.api.urls import api
from diwan.backoffice import signin_urls as staff_signin
from diwan.core import views as core_views
from diwan.portal import signin_urls as citizen_signin
from diwan.public.views import set_language

handler400 = "diwan.core.views.bad_request"
handler403 = "diwan.core.views.forbidden"
handler404 = "diwan.core.views.not_found"
handler500 = "diwan.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("diwan.public.urls", namespace="public")),
    path("audit/", include("diwan.public.audit_urls", namespace="audit")),
    path("account/", include((citizen_signin.urlpatterns + staff_signin.urlpatterns, "accounts"))),
    path("me/", include("diwan.portal.urls", namespace="portal")),
    path("office/", include("diwan.backoffice.urls", namespace="backoffice")),
    path("demo/", include("diwan.public.demo_urls", namespace="demo")),  # DEMO_ONLY: refused in production
    prefix_default_language=True,
)
