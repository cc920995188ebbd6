"""notifications.task_backend.DiwanDatabaseBackend: the row, result and signal of django-tasks-db's own
DatabaseBackend, written by a compiled INSERT; the worker runs what it queues, deferred tasks included."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import task, task_backends
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_enqueued
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from diwan.core import queries
from diwan.notifications.task_backend import DiwanDatabaseBackend

pytestmark = pytest.mark.django_db

ORIGINAL = "django_tasks_db.DatabaseBackend"
DIWAN = "diwan.notifications.task_backend.DiwanDatabaseBackend"


@task()
def add(a: int, b: int) -> int:
    return a + b


def _tasks(backend: str) -> Any:
    return override_settings(TASKS={"default": {"BACKEND": backend, "QUEUES": ["default", "sms"]}})


@pytest.fixture
def diwan_backend() -> Iterator[None]:
    with _tasks(DIWAN):
        assert type(task_backends["default"]) is DiwanDatabaseBackend
        yield


def _row(result_id: str) -> dict[str, Any]:
    row = dict(DBTaskResult.objects.filter(pk=result_id).values().get())
    del row["id"], row["enqueued_at"]
    return row


def test_checked_against_the_pinned_django_tasks_db() -> None:
    # The backend copies DatabaseBackend._task_to_db_task and enqueue of this version: compare them again
    # (and the tests below) before changing the version here.
    assert importlib.metadata.version("django-tasks-db") == "0.13.0"


def test_the_default_is_diwans_backend_and_the_outbox_sees_a_database_queue() -> None:
    from config import settings

    assert settings.TASKS_BACKEND.default == DIWAN
    # message_queue writes the task in its own transaction only for a database backend.
    assert issubclass(DiwanDatabaseBackend, DatabaseBackend)


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t,
        lambda t: t.using(priority=7, queue_name="sms"),
        lambda t: t.using(run_after=dt.datetime(2031, 5, 1, 8, 30, tzinfo=dt.UTC)),
    ],
    ids=["plain", "priority-and-queue", "deferred"],
)
def test_the_row_and_result_are_the_originals(variant: Any) -> None:
    results = {}
    for backend in (ORIGINAL, DIWAN, DIWAN):  # the second time through the compiled INSERT
        with _tasks(backend):
            results.setdefault(backend, []).append(variant(add).enqueue(2, b=3))
    (by_original,), by_diwan = results[ORIGINAL], results[DIWAN]
    assert queries._writes.inserts[(DBTaskResult, "default", True)] is not None  # the shortcut was taken
    expected_row = _row(by_original.id)
    for result in by_diwan:
        assert _row(result.id) == expected_row
        stored = DBTaskResult.objects.get(pk=result.id)
        assert stored.enqueued_at == result.enqueued_at
        with _tasks(DIWAN):  # the stored row's task is validated against the configured backend
            assert stored.task_result.task == result.task == by_original.task
        for name in ("status", "args", "kwargs", "backend", "errors", "worker_ids", "started_at"):
            assert getattr(result, name) == getattr(by_original, name)
        assert result.db_result.pk == stored.pk
        assert not result.db_result._state.adding
    if by_original.task.run_after is None:
        assert expected_row["run_after"] == get_date_max()  # the model's pre_save receiver still ran
    else:
        assert expected_row["run_after"] == by_original.task.run_after


def test_task_enqueued_fires_once_with_the_returned_result(diwan_backend: None) -> None:
    heard: list[tuple[Any, Any]] = []

    def receiver(sender: Any, task_result: Any, **kwargs: Any) -> None:
        heard.append((sender, task_result))

    task_enqueued.connect(receiver)
    try:
        result = add.enqueue(1, 1)
    finally:
        task_enqueued.disconnect(receiver)
    assert heard == [(DiwanDatabaseBackend, result)]
    assert heard[0][1] is result


def test_an_invalid_task_is_refused_before_anything_is_written(diwan_backend: None) -> None:
    from django.tasks.exceptions import InvalidTask

    with pytest.raises(InvalidTask):
        add.using(priority=1000).enqueue(1, 1)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_what_it_queues_and_waits_for_deferred_ones(diwan_backend: None) -> None:
    now = result = add.enqueue(2, 5)
    later = add.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(1, 2)
    assert DBTaskResult.objects.get(pk=later.id).run_after == later.task.run_after

    call_command("db_worker", "--batch", "--interval=0", "--no-startup-delay", "--queue-name=*")
    result = add.get_result(now.id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 7
    assert add.get_result(later.id).status == TaskResultStatus.READY  # not yet due

    DBTaskResult.objects.filter(pk=later.id).update(run_after=timezone.now() - dt.timedelta(seconds=1))
    call_command("db_worker", "--batch", "--interval=0", "--no-startup-delay", "--queue-name=*")
    done = add.get_result(later.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 3


def test_a_queued_message_takes_its_delivery_task_in_the_same_transaction(diwan_backend: None) -> None:
    from django.db import transaction

    from diwan.notifications.actions import message_queue
    from diwan.notifications.models import Message

    class RolledBack(Exception):
        pass

    def queue() -> Message:
        return message_queue(
            actor=None,
            medium="sms",
            recipient="+9647701234567",
            template="accounts.sign_in_code",
            context={"code": "123456", "minutes": 5},
        )

    def queue_then_fail() -> None:
        with transaction.atomic():
            queue()
            assert DBTaskResult.objects.count() == 1  # written at once, in the message's transaction
            raise RolledBack

    with pytest.raises(RolledBack):
        queue_then_fail()
    assert not DBTaskResult.objects.exists()
    assert not Message.objects.exists()

    message = queue()
    stored = DBTaskResult.objects.get()
    assert stored.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert stored.task_path == "diwan.notifications.tasks.deliver_message"
    assert stored.run_after == get_date_max()
