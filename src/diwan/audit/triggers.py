"""Database objects that make the audit tables append-only, on SQLite and PostgreSQL.

audit_event, audit_seal and audit_checkpoint: INSERT only; UPDATE and DELETE (and TRUNCATE on
PostgreSQL) are refused by triggers. On PostgreSQL, migration 0003 also creates the immutable function
audit_event_matches_body (MATCH_FUNCTION_SQL) that the CHECK constraint of audit_event calls, so that no
row can hold readable columns that differ from its sealed body; `diwan audit verify` checks in the
catalog that this constraint and function are exactly as the migration made them (diwan.audit.verify).

Installed by migration 0002. The `flush` command in this app removes and re-installs the triggers around
Django's flush (development and tests only; production refuses).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

EVENT_REFUSED = "audit log is append-only"
SEAL_REFUSED = "audit seals are append-only"
CHECKPOINT_REFUSED = "audit checkpoints are append-only"

# Migration 0001 generated the readable columns of audit_event from the body with these functions
# (name, arguments, result, source); migration 0003 made the columns plain (checked by MATCH_FUNCTION
# below) and dropped them. Kept for those two migrations.
PG_FUNCTIONS = (
    ("audit_text", "bytea, text", "text", "BEGIN RETURN convert_from($1, 'SQL_ASCII')::json ->> $2; END"),
    (
        "audit_json",
        "bytea, text",
        "jsonb",
        "BEGIN RETURN (convert_from($1, 'SQL_ASCII')::json -> $2)::jsonb; END",
    ),
    (
        "audit_time",
        "bytea",
        "timestamptz",
        "BEGIN RETURN (convert_from($1, 'SQL_ASCII')::json ->> 'occurred_at')::timestamptz; END",
    ),
)
FUNCTIONS_SQL = [
    f"CREATE OR REPLACE FUNCTION {name}({args}) RETURNS {result} "
    f"LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn${source}$fn$"
    for name, args, result, source in PG_FUNCTIONS
]
FUNCTIONS_DROP_SQL = [f"DROP FUNCTION IF EXISTS {name}({args})" for name, args, _, _ in PG_FUNCTIONS]

# The condition of the CHECK constraint audit_event_columns_match_body on PostgreSQL (migration 0003,
# diwan.audit.models.ColumnsMatchBody): the body parsed once (jsonb), then each readable column compared
# with its key as JSON, so the type counts too (a body saying "5" does not match actor 5) and a missing
# key never matches. Never NULL (a NULL result would let the row in), so the function is not STRICT.
# PL/pgSQL, not SQL: an SQL function would be inlined and its text parsed again for every INSERT.
# Everything it calls is schema-qualified: a session that puts its own `to_jsonb` or `=` before
# pg_catalog in its search_path cannot make it say yes. verify compares all of this with pg_proc.
MATCH_FUNCTION = "audit_event_matches_body"
MATCH_ARGUMENTS = (
    "body bytea, occurred_at timestamp with time zone, event_type text, actor_id bigint, office_id bigint, "
    "data_subject_id bigint, objects jsonb, details jsonb"
)
MATCH_SOURCE = """
DECLARE
  d pg_catalog.jsonb := pg_catalog.convert_from(body, 'SQL_ASCII')::pg_catalog.jsonb;
BEGIN
  RETURN COALESCE(
    d OPERATOR(pg_catalog.->) 'v' OPERATOR(pg_catalog.=) '1'::pg_catalog.jsonb
    AND d OPERATOR(pg_catalog.->) 'occurred_at' OPERATOR(pg_catalog.=) pg_catalog.to_jsonb(pg_catalog.to_char(
      occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
    AND d OPERATOR(pg_catalog.->) 'event_type' OPERATOR(pg_catalog.=) pg_catalog.to_jsonb(event_type)
    AND d OPERATOR(pg_catalog.->) 'actor_id' OPERATOR(pg_catalog.=)
        COALESCE(pg_catalog.to_jsonb(actor_id), 'null')
    AND d OPERATOR(pg_catalog.->) 'office_id' OPERATOR(pg_catalog.=)
        COALESCE(pg_catalog.to_jsonb(office_id), 'null')
    AND d OPERATOR(pg_catalog.->) 'data_subject_id' OPERATOR(pg_catalog.=)
        COALESCE(pg_catalog.to_jsonb(data_subject_id), 'null')
    AND d OPERATOR(pg_catalog.->) 'objects' OPERATOR(pg_catalog.=) objects
    AND d OPERATOR(pg_catalog.->) 'details' OPERATOR(pg_catalog.=) details,
    false);
END
"""
MATCH_FUNCTION_SQL = (
    f"CREATE OR REPLACE FUNCTION {MATCH_FUNCTION}({MATCH_ARGUMENTS}) RETURNS boolean "
    f"LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn${MATCH_SOURCE}$fn$"
)
MATCH_FUNCTION_DROP_SQL = f"DROP FUNCTION IF EXISTS {MATCH_FUNCTION}({MATCH_ARGUMENTS})"

_TABLES = (
    ("audit_event", EVENT_REFUSED),
    ("audit_seal", SEAL_REFUSED),
    ("audit_checkpoint", CHECKPOINT_REFUSED),
)


def _sqlite_install() -> list[str]:
    statements = []
    for table, message in _TABLES:
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    return statements


def _postgres_install() -> list[str]:
    statements = []
    for table, message in _TABLES:
        statements += [
            f"""CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{message} (%)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$""",
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_guard()",
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard()",
        ]
    return statements


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _postgres_install()
    if vendor == "sqlite":
        return _sqlite_install()
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}"
            for table, _ in _TABLES
            for suffix in ("append_only", "no_truncate")
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op}" for table, _ in _TABLES for op in ("update", "delete")
        ]
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in remove_sql(connection.vendor):
            cursor.execute(statement)
