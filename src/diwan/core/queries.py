"""Reads on hot paths: a `values()` query compiled by Django once, then run many times with one value
changed (`CompiledRows`); and model instances built from the rows of a fixed statement (`ModelColumns`).

Compiling a queryset (resolving lookups and joins, building SQL, choosing converters) often costs as much
CPU as running it: for the citizen's "My applications" list it was ~0.5 ms of a ~3 ms request (cProfile,
bench/casework.py). `CompiledRows` lets Django compile the query once per database and thread with a
placeholder value, finds where that value sits among the statement's parameters, and afterwards only
swaps the value in, executes, and converts each row with the converters Django chose — so the rows are
exactly what `list(queryset)` would return.

`ModelColumns` serves fixed statements that must return model instances (accounts.user_loader,
accounts.signin_statements): every concrete column of the model, table-qualified, in field order, and the
instance the ORM would build from them — each value through the converters Django's compiler chooses for
its column (encrypted fields decrypted, SQLite dates parsed), then `Model.from_db`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
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

    def queryset(self, value: Any) -> QuerySet[Any, Row]:
        """The ORM query this runs for `value` (what `list()` of it returns, `__call__` returns)."""
        return self._build(value)

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


Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class ModelColumns[M: Model]:
    """See the module docstring. Get one with `columns_of(model, alias)`."""

    model: type[M]
    alias: str
    select: str  # "table"."column", ... for every concrete field, in field order
    attnames: list[str]
    pk_index: int  # the primary key's position among them
    converters: list[tuple[int, Sequence[Converter], Any]]  # (position, converters, column expression)

    def instance(self, values: Sequence[Any]) -> M:
        """The instance the ORM builds from these column values (as selected by `select`)."""
        row = list(values)
        connection = connections[self.alias]
        for index, functions, column in self.converters:
            value = row[index]
            for function in functions:
                value = function(value, column, connection)
            row[index] = value
        return self.model.from_db(self.alias, self.attnames, row)


_columns = threading.local()  # converters are bound to their thread's connection


def columns_of[M: Model](model: type[M], alias: str) -> ModelColumns[M]:
    found: dict[tuple[type[Model], str], Any] = _columns.__dict__.setdefault("by_model", {})
    columns: ModelColumns[M] | None = found.get((model, alias))
    if columns is None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = model._meta
        fields = list(meta.concrete_fields)
        converters: list[tuple[int, Sequence[Converter], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(meta.db_table)
            # What SQLCompiler.get_converters() applies to a selected column.
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if functions:
                converters.append((index, functions, column))
        columns = found[(model, alias)] = ModelColumns(
            model=model,
            alias=alias,
            select=", ".join(f"{quote(meta.db_table)}.{quote(str(field.column))}" for field in fields),
            attnames=[field.attname for field in fields],
            pk_index=[field.primary_key for field in fields].index(True),
            converters=converters,
        )
    return columns
