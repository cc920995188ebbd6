"""The event INSERT's prepared statement dropped where psycopg cannot see it (a pooler's DISCARD ALL or
DEALLOCATE ALL between transactions): the next event prepares it again instead of failing."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from diwan.audit.actions import record_event
from diwan.audit.models import Event
from tests.audit.conftest import SampleEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _drop_behind_psycopgs_back(command: bytes) -> None:
    connection.ensure_connection()
    result = connection.connection.pgconn.exec_(command)  # libpq directly: psycopg never sees it
    assert result.status == 1, result.error_message  # COMMAND_OK


@pytest.mark.parametrize("command", [b"DEALLOCATE ALL", b"DEALLOCATE diwan_audit_event_insert"])
def test_an_event_opening_its_transaction_survives_a_dropped_statement(command: bytes) -> None:
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    _drop_behind_psycopgs_back(command)
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_READ)
    assert Event.objects.filter(event_type=SampleEvent.THING_READ).count() == 1


def test_an_event_in_autocommit_survives_a_dropped_statement() -> None:
    record_event(event_type=SampleEvent.THING_DONE)
    _drop_behind_psycopgs_back(b"DEALLOCATE ALL")
    record_event(event_type=SampleEvent.THING_READ)
    assert Event.objects.filter(event_type=SampleEvent.THING_READ).count() == 1


def test_after_discard_all_the_statement_is_prepared_again() -> None:
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    _drop_behind_psycopgs_back(b"DISCARD ALL")  # also resets the session: the connection is closed after
    try:
        with transaction.atomic():
            record_event(event_type=SampleEvent.THING_READ)
        assert Event.objects.filter(event_type=SampleEvent.THING_READ).count() == 1
    finally:
        connection.close()


def test_inside_a_transaction_that_did_other_work_the_error_stands_and_the_next_event_succeeds() -> None:
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    _drop_behind_psycopgs_back(b"DEALLOCATE ALL")

    def change_then_event() -> None:
        with transaction.atomic():
            Event.objects.filter(pk=-1).exists()  # the transaction has done something before the event
            record_event(event_type=SampleEvent.THING_READ)

    with pytest.raises(Exception, match="diwan_audit_event_insert"):
        change_then_event()
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_READ)
    assert Event.objects.filter(event_type=SampleEvent.THING_READ).count() == 1
