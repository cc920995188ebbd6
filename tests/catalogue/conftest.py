"""The demo directory (agencies and offices the services route to) and the real services/ folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from diwan.catalogue.actions import catalogue_sync, services_dir
from diwan.demo.loader import LoadReport, load_directory


@pytest.fixture
def directory(db: Any) -> None:
    load_directory(LoadReport())


@pytest.fixture
def synced(directory: None) -> None:
    catalogue_sync(actor=None)


@pytest.fixture
def services_copy(tmp_path: Path) -> Path:
    """A private copy of services/ that a test may change."""
    target = tmp_path / "services"
    shutil.copytree(services_dir(), target)
    return target
