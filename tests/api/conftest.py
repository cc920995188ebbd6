"""Fixtures of the API tests: the demo directory with the real services/, officials and citizens
(uploads go to a temporary folder: tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from diwan.accounts.models import User
from diwan.catalogue.actions import catalogue_sync
from diwan.demo.loader import LoadReport, load_directory
from tests.accounts.citizen_support import make_citizen

from .support import Bureau, bureau


@pytest.fixture
def synced(db: Any) -> None:
    load_directory(LoadReport())
    catalogue_sync(actor=None)


@pytest.fixture
def office(synced: None) -> Bureau:
    return bureau()


@pytest.fixture
def citizen(synced: None) -> User:
    return make_citizen(phone="+9647701234567", national_id="199001234567")


@pytest.fixture
def other_citizen(synced: None) -> User:
    return make_citizen(phone="+9647809998877", national_id="198807654321")
