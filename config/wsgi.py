"""The WSGI application gunicorn serves (docs/operations/deployment.md).

Each worker prepares itself before its first request instead of during it: the URL map is loaded (which
imports every view module: ~0.4 s of CPU a citizen's first request would otherwise wait for), then
everything allocated so far — settings, models, URL patterns, templates' modules, which live as long as the
worker — is moved out of the garbage collector's reach (`gc.freeze`), so its full collections, which
otherwise walk these ~130,000 objects, only look at what requests allocate (bench/README.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _warm() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    gc.collect()
    gc.freeze()


_warm()
