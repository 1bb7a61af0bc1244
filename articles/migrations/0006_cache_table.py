"""The database cache's table (settings.CACHES), so that every migrated
database has it: the admin login throttle counts failures there."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name('archive_cache')}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_search_newest_index")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
