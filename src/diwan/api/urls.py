"""The JSON API under /api/v1/ (django-ninja). Each area adds a router in diwan/api/<area>.py."""

from __future__ import annotations

from ninja import NinjaAPI

from diwan.api import accounts, applications, audit, casework, catalogue, directory, health

api = NinjaAPI(
    title="Diwan API",
    version="1.0.0",
    description="Diwan's JSON API. Every operation declares the roles it admits (x-diwan-policy).",
    urls_namespace="api",
    docs_url=None,  # no Swagger UI: it loads scripts from a CDN our CSP forbids; the document is enough
)
api.add_router("/health", health.router)
api.add_router("/me", accounts.router)
api.add_router("/audit", audit.router)
api.add_router("/directory", directory.router)
api.add_router("/catalogue", catalogue.router)
api.add_router("/applications", applications.router)
api.add_router("/casework", casework.router)
