"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

audit_event: INSERT is free; UPDATE is refused unless it only sets the four seal columns of an unsealed
row (seq, prev_hash, hash, sealed_at: NULL -> value, all at once); DELETE (and TRUNCATE on PostgreSQL) is
refused. audit_checkpoint: INSERT only.

Installed by migration 0002. The `flush` command in this app removes and re-installs them around Django's
flush (development and tests only; production refuses).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Every column of audit_event that the seal may not change. tests/audit/test_append_only.py fails if a
# model field is missing here.
CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "event_type",
    "actor_id",
    "actor_label",
    "acting_for",
    "office_id",
    "ip",
    "user_agent",
    "request_id",
    "objects_ref",
    "data_subject_id",
    "purpose",
    "details",
    "body",
)
SEAL_COLUMNS = ("seq", "prev_hash", "hash", "sealed_at")
EVENT_REFUSED = "audit log is append-only: only sealing an unsealed event is allowed"
CHECKPOINT_REFUSED = "audit checkpoints are append-only"

_SQLITE_TRIGGERS = (
    "audit_event_no_delete",
    "audit_event_seal_once",
    "audit_checkpoint_no_change",
    "audit_checkpoint_no_delete",
)
_PG_TRIGGERS = (
    ("audit_event_append_only", "audit_event"),
    ("audit_event_no_truncate", "audit_event"),
    ("audit_checkpoint_append_only", "audit_checkpoint"),
    ("audit_checkpoint_no_truncate", "audit_checkpoint"),
)


def _sqlite_install() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
    unsealing = " OR ".join(f"NEW.{c} IS NULL" for c in SEAL_COLUMNS)
    return [
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{EVENT_REFUSED}'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_event_seal_once BEFORE UPDATE ON audit_event "
        f"WHEN OLD.seq IS NOT NULL OR {unsealing} OR {changed} "
        f"BEGIN SELECT RAISE(ABORT, '{EVENT_REFUSED}'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_change BEFORE UPDATE ON audit_checkpoint "
        f"BEGIN SELECT RAISE(ABORT, '{CHECKPOINT_REFUSED}'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint "
        f"BEGIN SELECT RAISE(ABORT, '{CHECKPOINT_REFUSED}'); END",
    ]


def _postgres_install() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)
    unsealing = " OR ".join(f"NEW.{c} IS NULL" for c in SEAL_COLUMNS)
    return [
        f"""CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NOT (OLD.seq IS NOT NULL OR {unsealing} OR {changed}) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '{EVENT_REFUSED} (%)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$""",
        f"""CREATE OR REPLACE FUNCTION audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{CHECKPOINT_REFUSED} (%)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$""",
        "CREATE OR REPLACE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_guard()",
        "CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard()",
        "CREATE OR REPLACE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint "
        "FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_guard()",
        "CREATE OR REPLACE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_guard()",
    ]


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _postgres_install()
    if vendor == "sqlite":
        return _sqlite_install()
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _PG_TRIGGERS]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in remove_sql(connection.vendor):
            cursor.execute(statement)
