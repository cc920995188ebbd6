"""ServiceVersion.titles: the definition's title in every language, kept beside the definition so that lists
of files read a few bytes per row instead of decompressing each whole definition (applications.selectors).
Published versions are immutable, so the titles of the existing ones are copied once here."""

from typing import Any

from django.db import migrations, models


def copy_titles(apps: Any, schema_editor: Any) -> None:
    versions = apps.get_model("catalogue", "ServiceVersion")
    for version in versions.objects.using(schema_editor.connection.alias).only("id", "definition"):
        version.titles = version.definition.get("title", {})
        version.save(update_fields=["titles"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceversion",
            name="titles",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(copy_titles, migrations.RunPython.noop),
    ]
