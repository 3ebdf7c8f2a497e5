"""Creates the role groups and makes the audit log append-only in the database."""

from django.db import migrations

ROLES = [
    "taskforce_leader",
    "taskforce_deputy",
    "taskforce_member",
    "secretariat",
    "chairman",
    "district_official",
    "agency_officer",
    "epidemiologist",
    "checkpoint_operator",
    "lab_staff",
    "vaccination_staff",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog
            FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();
            """
        )
    elif vendor == "sqlite":
        # SQLite test databases are flushed with DELETE, so only updates are refused there;
        # the model and queryset refuse deletes in every database.
        schema_editor.execute(
            """
            CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
            """
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog;"
            "DROP FUNCTION IF EXISTS core_auditlog_append_only();"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditlog_no_update;")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
