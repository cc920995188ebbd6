"""The PostgreSQL health check without a round trip (diwan.core.db.postgresql): a healthy idle connection
is trusted without `SELECT 1`; one the server has closed is still found and replaced before it is used."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _next_request() -> None:
    """What Django does between requests with a persistent connection."""
    connection.health_check_done = False


def test_a_quiet_idle_connection_is_trusted_without_a_query() -> None:
    connection.ensure_connection()
    assert connection.health_check_enabled
    _next_request()
    wrapper = connections["default"]
    with mock.patch.object(type(wrapper), "is_usable", side_effect=AssertionError("round trip")):
        connection.close_if_health_check_failed()
    assert connection.health_check_done
    assert connection.connection is not None


def test_a_connection_the_server_closed_is_replaced_before_use(settings: Any) -> None:
    connection.ensure_connection()
    backend_pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(
        **{k: v for k, v in params.items() if k not in ("cursor_factory", "context", "prepare_threshold")},
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    _next_request()
    connection.close_if_health_check_failed()
    assert connection.connection is None  # closed: the next query opens a new connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend_pid
