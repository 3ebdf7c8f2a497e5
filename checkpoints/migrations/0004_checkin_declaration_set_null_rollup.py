"""A declaration's deletion clears the check-in's reference instead of deleting the check-in
(no schema change: Django applies on_delete); the existing daily counts become the folded
part of the ``checkpoints.checkin_daily`` roll-up (their rows are kept as they are)."""

import datetime

import django.db.models.deletion
from django.db import migrations, models

ROLLUP = "checkpoints.checkin_daily"


def watermark_after_existing_stats(apps, schema_editor):
    stats = apps.get_model("checkpoints", "CheckinDailyStat")
    watermark = apps.get_model("core", "RollupWatermark")
    last = stats.objects.order_by("-day").values_list("day", flat=True).first()
    if last is not None:
        # Every day up to the last rolled-up one was purged after its roll-up; later days are live.
        watermark.objects.update_or_create(
            name=ROLLUP, defaults={"next_day": last + datetime.timedelta(days=1)}
        )


def remove_watermark(apps, schema_editor):
    apps.get_model("core", "RollupWatermark").objects.filter(name=ROLLUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0003_checkin_index_with_checkout"),
        ("declarations", "0002_lean_indexes"),
        ("core", "0004_rollup_watermark"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkin",
            name="declaration",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="checkins",
                to="declarations.declaration",
                verbose_name="tờ khai",
            ),
        ),
        migrations.RunPython(watermark_after_existing_stats, remove_watermark),
    ]
