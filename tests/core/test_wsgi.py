"""config.wsgi prepares a worker before its first request: the URL map and the views loaded, and what the
worker keeps for its whole life frozen out of the garbage collector's full collections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, sys
import config.wsgi
print(gc.get_freeze_count() > 10_000, "diwan.portal.applications_views" in sys.modules)
"""


def test_a_worker_is_warm_and_frozen_before_its_first_request(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DIWAN_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
