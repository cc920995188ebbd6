"""Create the database cache table (settings.CACHES: sign-in throttles are shared by every process
through it). A no-op when the cache is Redis. Doing it in a migration means every database that is
migrated, including each test database, has the table."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
