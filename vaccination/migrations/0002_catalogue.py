"""Loads the starting catalogue (vaccination/data/catalogue.py); officials edit it afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from vaccination.data import catalogue

    PriorityGroup = apps.get_model("vaccination", "PriorityGroup")
    ScreeningQuestion = apps.get_model("vaccination", "ScreeningQuestion")
    Vaccine = apps.get_model("vaccination", "Vaccine")
    for order, (code, name) in enumerate(catalogue.PRIORITY_GROUPS, start=1):
        PriorityGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, text, if_yes) in enumerate(catalogue.SCREENING_QUESTIONS, start=1):
        ScreeningQuestion.objects.get_or_create(code=code, defaults={"text": text, "if_yes": if_yes, "order": order})
    for name, mp, vp, ma, doses, minimum, recommended, booster, per_vial in catalogue.VACCINES:
        Vaccine.objects.get_or_create(
            name=name,
            defaults={
                "product_code": mp,
                "prophylaxis_code": vp,
                "manufacturer_code": ma,
                "primary_doses": doses,
                "min_interval_days": minimum,
                "recommended_interval_days": recommended,
                "booster_min_interval_days": booster,
                "doses_per_vial": per_vial,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("vaccination", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
