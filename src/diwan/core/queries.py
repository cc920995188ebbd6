"""A `values()` query compiled by Django once, then run many times with one value changed.

Compiling a queryset (resolving lookups and joins, building SQL, choosing converters) often costs as much
CPU as running it: for the citizen's "My applications" list it was ~0.5 ms of a ~3 ms request (cProfile,
bench/casework.py). `CompiledRows` lets Django compile the query once per database and thread with a
placeholder value, finds where that value sits among the statement's parameters, and afterwards only
swaps the value in, executes, and converts each row with the converters Django chose — so the rows are
exactly what `list(queryset)` would return. On PostgreSQL the unchanged statement text also lets psycopg
prepare it on the server (settings: server_side_binding).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, router
from django.db.models import Model, QuerySet

# A value no real query is built with: its position among the compiled parameters is where each call's
# value goes.
PLACEHOLDER = -7_340_019_171_234


@dataclass(frozen=True)
class _Compiled:
    compiler: Any  # django.db.models.sql.compiler.SQLCompiler, with its select list set up by as_sql()
    sql: str
    params: tuple[Any, ...]
    slot: int
    names: list[str]


class CompiledRows[Row]:
    """`build(value)` must return a `values()` queryset in which `value` appears exactly once among the
    parameters (e.g. `.filter(applicant_id=value)`); calling this with a value returns its rows."""

    def __init__(self, model: type[Model], build: Callable[[Any], QuerySet[Any, Row]]) -> None:
        self._model = model
        self._build = build
        self._local = threading.local()  # compilers hold their thread's connection

    def _compiled(self, alias: str) -> _Compiled:
        found: dict[str, _Compiled] = self._local.__dict__.setdefault("by_alias", {})
        compiled = found.get(alias)
        if compiled is None:
            queryset = self._build(PLACEHOLDER)
            query = queryset.query
            compiler = query.get_compiler(alias)
            sql, params = compiler.as_sql()
            slots = [index for index, param in enumerate(params) if param == PLACEHOLDER]
            if len(slots) != 1:
                raise ValueError("the value must appear exactly once among the query's parameters")
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            compiled = found[alias] = _Compiled(compiler, sql, tuple(params), slots[0], names)
        return compiled

    def __call__(self, value: Any) -> list[Row]:
        alias = router.db_for_read(self._model)
        compiled = self._compiled(alias)
        params = list(compiled.params)
        params[compiled.slot] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names = compiled.names
        rows = compiled.compiler.results_iter(results=[fetched])
        return [cast(Row, dict(zip(names, row, strict=True))) for row in rows]
