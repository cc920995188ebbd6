"""Reads on hot paths: a queryset compiled by Django once, then run many times with its values changed
(`CompiledRows`); and model instances built from the rows of a fixed statement (`ModelColumns`).

Compiling a queryset (resolving lookups and joins, building SQL, choosing converters) often costs as much
CPU as running it: for the citizen's "My applications" list it was ~0.5 ms of a ~3 ms request, and the
locked read of the application that starts a submission (four joins) was a quarter of the action's CPU
(cProfile / py-spy, bench/casework.py). `CompiledRows` lets Django compile the query once per database and
thread with placeholder values, finds where each value sits among the statement's parameters, and
afterwards only swaps the values in, executes, and turns each row into what the ORM would: a dict for a
`values()` queryset, a model instance (with its `select_related` objects) for a model queryset — each
value through the converters Django chose — so the result is exactly what `list(queryset)` returns.

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

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Model, Q, QuerySet, signals
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.transaction import TransactionManagementError

from diwan.core.db import prepared

# Values no real query is built with: the position of each among the compiled parameters is where each
# call's values go.
PLACEHOLDERS = tuple(-7_340_019_171_234 - n for n in range(8))


@dataclass(frozen=True)
class _Compiled:
    compiler: Any  # django.db.models.sql.compiler.SQLCompiler, with its select list set up by as_sql()
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where each value goes among params
    width: int | None  # the row's length when the statement selects more columns than the result has
    names: list[str] | None  # values(): the keys of each row
    # What SQLCompiler.results_iter() works out again on every call: the converters of the selected
    # columns, and whether any is a composite field (then results_iter itself is used).
    converters: dict[int, tuple[Sequence[Any], Any]]
    composite: bool
    # A model queryset: how ModelIterable turns a row into the instance and its select_related objects.
    model: Any = None
    init_list: tuple[str, ...] = ()
    model_columns: slice = slice(0)
    related: tuple[Any, ...] = ()
    fetch_mode: Any = None


class CompiledRows[Row]:
    """`build(*values)` must return a `values()` queryset or a model queryset (select_related and
    select_for_update allowed) in which each value appears exactly once among the parameters (e.g.
    `.filter(pk=a, applicant_id=b)`); calling this with values returns `list(build(*values))`. The values go
    to the database as given: pass what the column's lookup would (an int for an id, a str for text)."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet[Any, Row]]) -> None:
        self._model = model
        self._build = build
        self._local = threading.local()  # compilers hold their thread's connection
        self._locks: bool | None = None  # select_for_update: known once the query has been built

    def queryset(self, *values: Any) -> QuerySet[Any, Row]:
        """The ORM query this runs for `values` (what `list()` of it returns, `__call__` returns)."""
        return self._build(*values)

    def _compiled(self, alias: str, arity: int) -> _Compiled:
        found: dict[str, _Compiled] = self._local.__dict__.setdefault("by_alias", {})
        compiled = found.get(alias)
        if compiled is None:
            compiled = found[alias] = self._compile(alias, arity)
        return compiled

    def _compile(self, alias: str, arity: int) -> _Compiled:
        placeholders = PLACEHOLDERS[:arity]
        queryset = self._build(*placeholders)
        query = queryset.query
        compiler = query.get_compiler(alias)
        if query.select_for_update:
            with transaction.atomic(using=alias):  # the ORM compiles a locking read only inside one
                sql, params = compiler.as_sql()
        else:
            sql, params = compiler.as_sql()
        slots = []
        for placeholder in placeholders:
            # A text column's lookup turns the number into its text.
            found_at = [
                index for index, param in enumerate(params) if param in (placeholder, str(placeholder))
            ]
            if len(found_at) != 1:
                raise ValueError("each value must appear exactly once among the query's parameters")
            slots.append(found_at[0])
        width = compiler.col_count if compiler.has_extra_select else None
        selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
        common = {
            "sql": sql,
            "params": tuple(params),
            "slots": tuple(slots),
            "width": width,
            "converters": compiler.get_converters(selected),
            "composite": compiler.has_composite_fields(selected),
        }
        iterable = queryset._iterable_class
        if iterable is ValuesIterable:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            return _Compiled(compiler, names=names, **common)
        internals = cast(Any, queryset)  # attributes the type stubs do not list
        fetch_mode = internals._fetch_mode
        if iterable is ModelIterable and not query.annotation_select and not internals._known_related_objects:
            klass_info, select = compiler.klass_info, compiler.select
            fields = klass_info["select_fields"]
            columns = slice(fields[0], fields[-1] + 1)
            return _Compiled(
                compiler,
                names=None,
                model=klass_info["model"],
                init_list=tuple(column[0].target.attname for column in select[columns]),
                model_columns=columns,
                related=tuple(get_related_populators(klass_info, select, alias, fetch_mode)),
                fetch_mode=fetch_mode,
                **common,
            )
        raise ValueError("only values() querysets and plain model querysets can be compiled")

    def __call__(self, *values: Any) -> list[Row]:
        return self.fetch(*values).rows()

    def fetch(self, *values: Any) -> Fetched[Row]:
        """The statement run with `values`: its rows as the database returned them (`raw`, before Django's
        converters) and `rows()`, what calling this returns. For a caller that most of the time needs only
        to know whether anything changed (core.fragments keys on the raw rows) and converts only then."""
        if self._locks is None:
            self._locks = bool(self._build(*PLACEHOLDERS[: len(values)]).query.select_for_update)
        locks = self._locks
        alias = router.db_for_write(self._model) if locks else router.db_for_read(self._model)
        connection = connections[alias]
        if locks and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        compiled = self._compiled(alias, len(values))
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        fetched, _count = prepared.execute(connection, compiled.sql, params)
        if compiled.width is not None:
            fetched = [row[: compiled.width] for row in fetched]
        return Fetched(fetched, compiled, alias)


@dataclass(frozen=True)
class Fetched[Row]:
    """What `CompiledRows.fetch` read: `raw` rows (tuples of the driver's values) and `rows()`."""

    raw: list[tuple[Any, ...]]
    _compiled: _Compiled
    _alias: str

    def rows(self) -> list[Row]:
        """The rows as `list(queryset)` returns them: each value through Django's converters, then a dict
        per row (values()) or a model instance with its select_related objects."""
        compiled, fetched = self._compiled, self.raw
        rows: Any = fetched
        if compiled.composite:
            rows = compiled.compiler.results_iter(results=[fetched])
        elif compiled.converters:
            rows = compiled.compiler.apply_converters(fetched, compiled.converters)
        if compiled.names is not None:
            names = compiled.names
            return [cast(Row, dict(zip(names, row, strict=True))) for row in rows]
        instances = []
        for row in rows:
            instance = compiled.model.from_db(
                self._alias, compiled.init_list, row[compiled.model_columns], fetch_mode=compiled.fetch_mode
            )
            for populator in compiled.related:
                populator.populate(row, instance)
            instances.append(instance)
        return instances


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


# Writes on hot paths: a row's INSERT, or an UPDATE of named columns, compiled by Django once per model,
# columns, database and thread; each call only prepares the values as the ORM would (`pre_save`, then the
# field's `get_db_prep_save`) and runs the statement. Model.save() compiles both afresh every time: ~0.3 ms
# of CPU per statement, a sixth of a citizen's submission (bench/casework.py). Anything the shortcut does
# not cover — database defaults, generated columns, expressions as values, models whose save() is not
# Model.save()'s own (an override, parents, a proxy) — goes through Model.save() unchanged; so do signal
# receivers for `update_columns` and `insert_rows`. `insert_instance` sends pre_save and post_save itself,
# as Model.save_base does for a new row.

_writes = threading.local()


@dataclass(frozen=True)
class _CompiledWrite:
    compiler: Any  # SQLInsertCompiler, whose prepare_value() is the ORM's (None for an UPDATE)
    sql: str
    fields: tuple[Any, ...]
    extra_params: tuple[Any, ...] = ()  # after the values: RETURNING's parameters (an INSERT)
    by_column: bool = False  # the rows go as one array per column (PostgreSQL's UNNEST form of a bulk INSERT)


def _compiled_write(
    kind: str, key: tuple[Any, ...], compile: Callable[[], _CompiledWrite | None]
) -> _CompiledWrite | None:
    """This thread's compiled statement for `key`, compiled on first use; None: use the ORM instead."""
    found: dict[tuple[Any, ...], _CompiledWrite | None] = _writes.__dict__.setdefault(kind, {})
    if key not in found:
        found[key] = compile()
    return found[key]


def _has_receivers(model: type[Model]) -> bool:
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


def _insert_values(compiled: _CompiledWrite, instance: Model) -> list[Any] | None:
    """The values of a new row as the ORM's INSERT prepares them; None if one is an expression."""
    values = []
    for field in compiled.fields:
        value = field.pre_save(instance, True)
        if hasattr(value, "resolve_expression"):
            return None
        values.append(compiled.compiler.prepare_value(field, value))
    return values


def _inserted(instance: Model, alias: str) -> None:
    instance._state.adding = False
    instance._state.db = alias


def _new_row_fields(model: type[Model], *, with_key: bool = False) -> tuple[Any, ...] | None:
    """The columns an INSERT writes (every one, the key only `with_key`), or None if the database fills one
    (a database default, or a generated column that Model.save() would read back)."""
    meta = model._meta
    columns = meta.local_concrete_fields
    fields = tuple(f for f in columns if not f.generated and (with_key or f is not meta.pk))
    return None if any(f.has_db_default() or f.generated for f in columns) else fields


def insert_rows(instances: Sequence[Model]) -> None:
    """`Model.objects.bulk_create(instances)` for new rows of one model whose primary keys nobody reads
    afterwards (they are not set on the instances): one INSERT of all the rows, compiled once per model,
    row count and database. PostgreSQL takes the rows as one array per column (Django's UNNEST form), so
    its statement is the same for any number of rows."""
    if not instances:
        return
    model = type(instances[0])
    if _has_receivers(model) or any(i.pk is not None for i in instances):
        model._default_manager.bulk_create(instances)
        return
    alias = router.db_for_write(model)
    compiled = _compiled_write(
        "bulk", (model, alias, len(instances)), lambda: _compile_rows(list(instances), alias)
    )
    for instance in instances:
        cast(Any, instance)._prepare_related_fields_for_save(operation_name="bulk_create")
    rows = [_insert_values(compiled, instance) for instance in instances] if compiled else []
    if compiled is None or any(row is None for row in rows):
        model._default_manager.bulk_create(instances)
        return
    if compiled.by_column:
        params: list[Any] = [list(column) for column in zip(*cast(list[list[Any]], rows), strict=True)]
    else:
        params = [value for row in rows for value in cast(list[Any], row)]
    prepared.execute(connections[alias], compiled.sql, params)
    for instance in instances:
        _inserted(instance, alias)


def _compile_rows(instances: list[Model], alias: str) -> _CompiledWrite | None:
    fields = _new_row_fields(type(instances[0]))
    if fields is None:
        return None
    query = InsertQuery(type(instances[0]))
    query.insert_values(list(fields), instances)
    compiler = query.get_compiler(alias)
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, params = statements[0]
    count = len(instances)
    arrays = len(params) == len(fields) and all(isinstance(p, list) and len(p) == count for p in params)
    if count > 1 and arrays:
        return _CompiledWrite(compiler, sql, fields, by_column=True)
    if len(params) == count * len(fields) and _plain(sql, params, fields):
        return _CompiledWrite(compiler, sql, fields)
    return None


def _plain(sql: str, params: Sequence[Any], fields: Sequence[Any]) -> bool:
    """Every value is one `%s` in the statement (no field with a placeholder of its own)."""
    return sql.count("%s") == len(params) and not any(
        getattr(f, "get_placeholder_sql", None) or getattr(f, "get_placeholder", None) for f in fields
    )


def insert_instance(instance: Model) -> None:
    """`instance.save()` for a new row: its primary key generated by the database (read back with
    RETURNING) or set by the client — a default such as uuid4, or an explicit value when the key field has
    a default, as save() then inserts without trying an UPDATE first. pre_save and post_save receivers hear
    what they would hear from save(), at the same points."""
    model = type(instance)
    if not instance._state.adding or not _saves_plainly(model):
        instance.save()
        return
    # save(): related objects checked, then the database chosen, then save_base().
    cast(Any, instance)._prepare_related_fields_for_save(operation_name="save")
    alias = router.db_for_write(model, instance=instance)
    signalled = _has_receivers(model)
    if signalled:
        signals.pre_save.send(sender=model, instance=instance, raw=False, using=alias, update_fields=None)
    # Read after pre_save, as Model._save_table reads it (a receiver may set the key). save() inserts a
    # given key at once only when the key field has a default (otherwise it tries an UPDATE first), and
    # leaves a missing key to the database only for an auto field (otherwise it takes the default).
    pk = model._meta.pk
    keyed = instance.pk is not None
    compiled = None
    if pk.has_default() if keyed else pk is model._meta.auto_field:
        compiled = _compiled_write(
            "inserts", (model, alias, keyed), lambda: _compile_insert(instance, alias, keyed)
        )
    values = _insert_values(compiled, instance) if compiled else None
    if compiled is None or values is None:
        _save_rest(instance, model, alias, signalled)
        return
    rows, _count = prepared.execute(connections[alias], compiled.sql, [*values, *compiled.extra_params])
    if not keyed:
        setattr(instance, model._meta.pk.attname, rows[0][0])
    _inserted(instance, alias)
    if signalled:
        signals.post_save.send(
            sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
        )


def _save_rest(instance: Model, model: type[Model], alias: str, signalled: bool) -> None:
    """What Model.save() would still do once related fields are checked (and pre_save sent when
    `signalled`): for a model without parents, save_base's write and post_save."""
    if not signalled:
        instance.save()  # checks the related fields again: no change, nothing was written
        return
    internals = cast(Any, instance)
    with transaction.mark_for_rollback_on_error(using=alias):
        updated = internals._save_table(raw=False, cls=model, using=alias)
    _inserted(instance, alias)
    signals.post_save.send(
        sender=model, instance=instance, created=not updated, update_fields=None, raw=False, using=alias
    )


_plain_savers: dict[type[Model], bool] = {}


def _saves_plainly(model: type[Model]) -> bool:
    """Whether save() of a new instance of `model` is Model.save_base's single-table write and nothing
    else: no save() or save-step override, no parents (multi-table inheritance), not a proxy or an
    auto-created model, no `_order`, a single-column primary key."""
    plain = _plain_savers.get(model)
    if plain is None:
        meta = model._meta
        steps = ("save", "save_base", "_save_parents", "_save_table", "_do_insert")
        plain = _plain_savers[model] = (
            all(getattr(model, step) is getattr(Model, step) for step in steps)
            and not meta.parents
            and not meta.proxy
            and not meta.auto_created
            and not meta.order_with_respect_to
            and len(meta.pk_fields) == 1
            and meta.pk.concrete
        )
    return plain


def _compile_insert(instance: Model, alias: str, keyed: bool) -> _CompiledWrite | None:
    """The INSERT of every column (the key too when `keyed`); otherwise RETURNING the generated key."""
    model = type(instance)
    fields = _new_row_fields(model, with_key=keyed)
    if fields is None or not (keyed or connections[alias].features.can_return_columns_from_insert):
        return None
    query = InsertQuery(model)
    query.insert_values(list(fields), [instance])
    compiler = query.get_compiler(alias)
    if not keyed:
        compiler.returning_fields = [model._meta.pk]
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, params = statements[0]
    if not _plain(sql, params, fields):
        return None
    return _CompiledWrite(compiler, sql, fields, tuple(params[len(fields) :]))


def update_columns(instance: Model, update_fields: Sequence[str]) -> None:
    """`instance.save(update_fields=update_fields)` for a row loaded from the database."""
    model = type(instance)
    alias = instance._state.db
    if instance._state.adding or alias is None or _has_receivers(model):
        instance.save(update_fields=update_fields)
        return
    compiled = _compiled_write(
        "updates",
        (model, tuple(update_fields), alias),
        lambda: _compile_update(instance, update_fields, alias),
    )
    if compiled is None:
        instance.save(update_fields=update_fields)
        return
    connection = connections[alias]
    cast(Any, instance)._prepare_related_fields_for_save(operation_name="save", fields=compiled.fields)
    values = []
    for field in compiled.fields:
        value = field.pre_save(instance, False)
        if hasattr(value, "resolve_expression"):
            instance.save(update_fields=update_fields)
            return
        values.append(field.get_db_prep_save(value, connection=connection))
    _rows, count = prepared.execute(connection, compiled.sql, [*values, instance.pk])
    if count != 1:
        raise DatabaseError("Save with update_fields did not affect any rows.")


def _compile_update(instance: Model, update_fields: Sequence[str], alias: str) -> _CompiledWrite | None:
    model = type(instance)
    fields: tuple[Any, ...] = tuple(model._meta.get_field(name) for name in update_fields)
    if any(f.has_db_default() or f.generated or f.primary_key or not f.concrete for f in fields):
        return None
    query = UpdateQuery(model)
    query.add_update_fields([(f, None, f.pre_save(instance, False)) for f in fields])
    query.add_q(Q(pk=instance.pk))
    sql, params = query.get_compiler(alias).as_sql()
    if len(params) != len(fields) + 1 or not _plain(sql, params, fields):
        return None
    return _CompiledWrite(None, sql, fields)
