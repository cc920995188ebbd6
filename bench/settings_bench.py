"""Settings for the benchmark server: Diwan's own settings, plus a bare "ok" view (bench/ok_urls.py).

Nothing else changes, so the bare view and the citizen home page run through the same middleware stack,
the same templates configuration and the same database. Static files are collected into the temporary
data folder of the run instead of the checkout.
"""

from config.settings import *  # noqa: F403 (this module is the project settings plus two overrides)
from config.settings import DIWAN_DATA_PATH, PRODUCTION

ROOT_URLCONF = "bench.ok_urls"
if PRODUCTION:
    STATIC_ROOT = DIWAN_DATA_PATH / "static"
