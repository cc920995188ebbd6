"""An index for the staff sign-in lookup `kind = 'staff' AND username__iexact = ...`.

Without it the lookup reads every staff row: the unique index on `username` is case-sensitive, so neither
database can use it for a case-insensitive match. With 900 staff that was ~0.6 ms of every password step on
SQLite (bench/login.py); with 20,000 staff on PostgreSQL, 14 ms. The cost grows with the staff list.

Django writes `iexact` differently per database, so the index differs too (Django cannot declare either
in Meta.indexes): SQLite matches with `username LIKE %s ESCAPE '\\'`, which its LIKE optimisation answers
from an index on `username COLLATE NOCASE` (ASCII case folding, as LIKE does); PostgreSQL matches with
`UPPER(username::text) = UPPER(%s)`, answered by an index on `UPPER(username)`. `kind` leads, so SQLite's
planner prefers this index to the (kind, national_id_index) one for the `kind = %s` term. Queries are
unchanged: the same rows match as before.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

NAME = "accounts_user_staff_username_ci"
COLUMNS = {
    "sqlite": "kind, username COLLATE NOCASE",
    "postgresql": "kind, UPPER(username)",
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    columns = COLUMNS.get(schema_editor.connection.vendor)
    if columns is not None:
        schema_editor.execute(f"CREATE INDEX {NAME} ON accounts_user ({columns})")


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_national_id_unique_per_kind")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
