"""The django.tasks backend Diwan runs with: django-tasks-db's `DatabaseBackend`, its enqueue made cheap.

Every application submission queues an SMS and its delivery task in the submission's own transaction
(notifications.actions.message_queue), so `enqueue` is on the submit path. django-tasks-db's enqueue cost
~0.69 ms of CPU (cProfile, PostgreSQL): `DBTaskResult.objects.create` compiles the INSERT afresh every time
(~25 %), and `db_result.task_result` (which imports the task by its path and copies it) is built twice,
once for the `task_enqueued` signal and once for the return value (~14 %). This backend writes the same row
with `core.queries.insert_instance` (the INSERT compiled once per thread, prepared on PostgreSQL, the
model's pre_save receiver still run: it sets `run_after` for a task that is not deferred) and builds the
result once. Everything else — validation, the signal, results, the worker — is django-tasks-db's.

It reproduces `DatabaseBackend._task_to_db_task` and `enqueue` of django-tasks-db 0.13.0, the version
uv.lock pins, and depends on it: tests/notifications/test_task_backend.py compares its rows, results and
signal with the original's and names the version it was checked against, so an upgrade fails there until
someone has compared the two again.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task
from django.tasks.signals import task_enqueued
from django.utils.json import normalize_json
from django_tasks_db.backend import DatabaseBackend, TaskResult

from diwan.core.queries import insert_instance


class DiwanDatabaseBackend(DatabaseBackend):
    """django_tasks_db.DatabaseBackend whose synchronous enqueue writes the row with a compiled INSERT and
    builds the task result once (module docstring). The asynchronous `aenqueue` is the original's."""

    def _task_to_db_task(self, task: Task[Any, Any], args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult

        # The same values as the original's DBTaskResult.objects.create(...).
        db_result: DBTaskResult[Any, Any] = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,  # type: ignore[misc]  # None: the model's pre_save receiver fills it
            backend_name=self.alias,
        )
        insert_instance(db_result)
        return db_result

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        self.validate_task(task)
        db_result = self._task_to_db_task(task, args, kwargs)
        task_result: TaskResult[Any, Any] = db_result.task_result
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
