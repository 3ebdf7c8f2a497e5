"""``manage.py export_doses FILE.csv|FILE.xlsx --from YYYY-MM-DD --to YYYY-MM-DD [--site ID]``:
doses for the national platform in the documented layout (docs/vaccination.md)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from core.actors import SystemActor
from core.audit import audit_read
from core.models import Person
from vaccination.imports import DoseExportResource, export_queryset
from vaccination.models import Dose


class Command(BaseCommand):
    help = "Xuất danh sách mũi tiêm cho nền tảng quốc gia (CSV hoặc Excel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--site", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        doses = Dose.objects.filter(
            administered_at__date__gte=options["start"], administered_at__date__lte=options["end"]
        )
        if options["site"]:
            doses = doses.filter(site_id=options["site"])
        doses = export_queryset(doses)
        with transaction.atomic():
            audit_read(
                actor=SystemActor("command:export_doses"),
                target=Person,
                ids=sorted(set(doses.values_list("person_id", flat=True))),
                purpose="Xuất danh sách mũi tiêm cho nền tảng quốc gia",
            )
        data = DoseExportResource().export(queryset=doses)
        path = options["file"]
        if path.endswith(".xlsx"):
            with open(path, "wb") as handle:
                handle.write(data.export("xlsx"))
        else:
            with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                handle.write(data.export("csv"))
        self.stdout.write(f"{len(data)} mũi tiêm → {path}")
