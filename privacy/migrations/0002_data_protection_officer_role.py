"""The data-protection officer's role group (core.roles.Role.DATA_PROTECTION_OFFICER); created
here so that core needs no new migration."""

from django.db import migrations

ROLE = "data_protection_officer"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_role, remove_role)]
