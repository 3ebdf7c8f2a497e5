"""The first version of the thresholds, in force from Resolution 128/NQ-CP (11 October 2021):
the defaults of docs/domain.md §4, marked unverified (``verified=False``) until the task force's
health and legal staff check them against the text (docs/epidemic.md)."""

import datetime

from django.db import migrations


def create(apps, schema_editor):
    LevelRules = apps.get_model("epidemic", "LevelRules")
    LevelRules.objects.get_or_create(
        effective_from=datetime.date(2021, 10, 11),
        defaults={"note": "Mặc định theo docs/domain.md §4; ngưỡng tiêu chí 2, 3 chưa xác minh."},
    )


class Migration(migrations.Migration):
    dependencies = [("epidemic", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
