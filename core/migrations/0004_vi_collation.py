"""The Vietnamese collation ``vi_vn`` for ORDER BY on PostgreSQL (ICU, locale vi-VN); see
``core.collation``. SQLite registers a Python collation of the same name on each connection."""

from django.db import migrations

from core.collation import COLLATION, POSTGRES_CREATE


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP COLLATION IF EXISTS {COLLATION}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_lean_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
