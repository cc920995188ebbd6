"""The readable columns of audit_event become plain columns that the writer fills, kept equal to the sealed
body by a CHECK constraint (audit_event_columns_match_body), instead of columns generated from the body.

Why: generating seven columns from the JSON body cost every audited transaction about as much server time
as the rest of the insert (seven function calls, each parsing the body); the CHECK parses it once. The
guarantee is the same: no row, inserted or updated, can hold columns that differ from its body, and
`diwan audit verify` proves it from the catalog (docs/audit.md, ADR 0007 revision 4).

PostgreSQL: DROP EXPRESSION keeps the stored values; the constraint is validated against every existing
row when it is added. SQLite cannot drop a column's expression: the table is rebuilt (Django's own way of
altering an SQLite table) with the values copied, and the append-only triggers installed again.
"""

from typing import Any

import diwan.audit.models
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from diwan.audit import triggers

COLUMNS = ["occurred_at", "event_type", "actor_id", "office_id", "data_subject_id", "objects_ref", "details"]
CONSTRAINT = "audit_event_columns_match_body"


def create_function(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.MATCH_FUNCTION_SQL)


def drop_function(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.MATCH_FUNCTION_DROP_SQL)


def columns_plain(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """`apps` is the new state: plain columns and the CHECK constraint."""
    event = apps.get_model("audit", "Event")
    constraint = next(c for c in event._meta.constraints if c.name == CONSTRAINT)
    if schema_editor.connection.vendor == "postgresql":
        drop = ", ".join(f"ALTER COLUMN {column} DROP EXPRESSION" for column in COLUMNS)
        schema_editor.execute(f"ALTER TABLE audit_event {drop}")
        schema_editor.add_constraint(event, constraint)
        for statement in triggers.FUNCTIONS_DROP_SQL:
            schema_editor.execute(statement)
        return
    schema_editor._remake_table(event)  # type: ignore[attr-defined]  # SQLite: copies every column
    triggers.install(schema_editor.connection)


def columns_generated(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Backwards. `apps` is again the new state; the old fields are rebuilt as migration 0001 made them."""
    event = apps.get_model("audit", "Event")
    constraint = next(c for c in event._meta.constraints if c.name == CONSTRAINT)
    if schema_editor.connection.vendor == "postgresql":
        for statement in triggers.FUNCTIONS_SQL:
            schema_editor.execute(statement)
        schema_editor.remove_constraint(event, constraint)
        for name, field in _generated_fields():
            schema_editor.remove_field(event, event._meta.get_field(name))  # drops its indexes too
            field.set_attributes_from_name(name)
            field.model = event
            schema_editor.add_field(event, field)
        for index in event._meta.indexes:
            if set(index.fields) & set(COLUMNS):
                schema_editor.add_index(event, index)
        return
    old_state = migrations.state.ProjectState.from_apps(apps)
    old_state.remove_constraint("audit", "event", CONSTRAINT)
    for name, field in _generated_fields():
        old_state.remove_field("audit", "event", name)
        old_state.add_field("audit", "event", name, field, preserve_default=True)
    schema_editor._remake_table(old_state.apps.get_model("audit", "Event"))  # type: ignore[attr-defined]
    triggers.install(schema_editor.connection)


def _generated_fields() -> list[tuple[str, models.Field[Any, Any]]]:
    def generated(key: str, kind: str, field: models.Field[Any, Any]) -> models.GeneratedField:
        return models.GeneratedField(
            expression=diwan.audit.models.BodyValue(key, kind), output_field=field, db_persist=True
        )

    return [
        ("occurred_at", generated("occurred_at", "time", models.DateTimeField())),
        ("event_type", generated("event_type", "text", models.CharField(max_length=80))),
        ("actor_id", generated("actor_id", "int", models.BigIntegerField(null=True))),
        ("office_id", generated("office_id", "int", models.BigIntegerField(null=True))),
        ("data_subject_id", generated("data_subject_id", "int", models.BigIntegerField(null=True))),
        ("objects_ref", generated("objects", "json", models.JSONField(help_text='e.g. {"case": 12, "user": 4}'))),
        ("details", generated("details", "json", models.JSONField())),
    ]


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(create_function, drop_function),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                *(migrations.RemoveField(model_name="event", name=name) for name in COLUMNS),
                migrations.AddField(
                    model_name="event",
                    name="occurred_at",
                    field=models.DateTimeField(editable=False),
                ),
                migrations.AddField(
                    model_name="event",
                    name="event_type",
                    field=models.CharField(editable=False, max_length=80),
                ),
                migrations.AddField(
                    model_name="event", name="actor_id", field=models.BigIntegerField(editable=False, null=True)
                ),
                migrations.AddField(
                    model_name="event", name="office_id", field=models.BigIntegerField(editable=False, null=True)
                ),
                migrations.AddField(
                    model_name="event",
                    name="data_subject_id",
                    field=models.BigIntegerField(editable=False, null=True),
                ),
                migrations.AddField(
                    model_name="event",
                    name="objects_ref",
                    field=models.JSONField(editable=False, help_text='e.g. {"case": 12, "user": 4}'),
                ),
                migrations.AddField(
                    model_name="event",
                    name="details",
                    field=models.JSONField(editable=False),
                ),
                migrations.AddConstraint(
                    model_name="event",
                    constraint=models.CheckConstraint(
                        condition=diwan.audit.models.ColumnsMatchBody(), name=CONSTRAINT
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(columns_plain, columns_generated),
    ]
