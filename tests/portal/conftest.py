"""The demo directory (offices the services route to), the real services/ folder, a signed-in citizen
and an official of the office the good-conduct certificate is routed to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from diwan.accounts.models import User
from diwan.catalogue.actions import catalogue_sync
from diwan.demo.loader import LoadReport, load_directory
from tests.accounts.citizen_support import make_citizen
from tests.portal.support import make_official, sign_in_citizen


@pytest.fixture(autouse=True)
def private_files(settings: Any, tmp_path: Path) -> None:
    """Uploads go to the test's own folder, not the data directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.DIWAN_MALWARE_SCANNER = "demo"


@pytest.fixture
def services(db: Any) -> None:
    load_directory(LoadReport())
    catalogue_sync(actor=None)


@pytest.fixture
def citizen(services: None) -> User:
    return make_citizen(phone="+9647801112233", national_id="199500000001")


@pytest.fixture
def other_citizen(services: None) -> User:
    return make_citizen(phone="+9647809998877", national_id="199500000002")


@pytest.fixture
def client(citizen: User) -> Client:
    return sign_in_citizen(Client(), citizen)


@pytest.fixture
def officer(services: None) -> User:
    """The only case officer of the criminal records directory: every first stage is assigned to them."""
    return make_official("case_officer")
