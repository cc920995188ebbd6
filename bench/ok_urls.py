"""Diwan's URL map plus a bare "ok" view at /<language>/bench-ok/.

The bare view is the machine's own limit for a Django request on this server configuration: it goes
through the same middleware stack (security, CSP, sessions, locale, CSRF, auth, access policy…) and the
same language-prefixed routing as the citizen home page, and then renders nothing.
"""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as diwan_urls
from diwan.core.access import PUBLIC, policy

handler400 = diwan_urls.handler400
handler403 = diwan_urls.handler403
handler404 = diwan_urls.handler404
handler500 = diwan_urls.handler500


@policy(PUBLIC)
def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    *diwan_urls.urlpatterns,
    *i18n_patterns(path("bench-ok/", ok, name="bench-ok"), prefix_default_language=True),
]
