"""Loads an official list of administrative units from the CSV files bundled in core/data/."""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.actors import SystemActor
from core.services import UnitRow, units_load

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"


def read_rows(scheme: str, province_code: str | None = None) -> list[UnitRow]:
    path = DATA_DIR / f"admin_units_{scheme}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [UnitRow(**row) for row in csv.DictReader(handle)]
    if province_code:
        rows = [r for r in rows if r.province_code.zfill(2) == province_code.zfill(2)]
    return rows


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (2021 hoặc 2025) từ core/data/. Chạy lại an toàn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", choices=["2021", "2025"], default=None)
        parser.add_argument("--province", default=None, help="Chỉ nạp một tỉnh (mã tỉnh), ví dụ 38.")

    def handle(self, *args: object, **options: object) -> None:
        scheme = str(options["scheme"] or settings.ADMIN_UNIT_SCHEME)
        province = options["province"]
        rows = read_rows(scheme, str(province) if province else None)
        created = units_load(actor=SystemActor("command:load_admin_units"), scheme=scheme, rows=rows)
        self.stdout.write(f"Danh mục {scheme}: {len(rows)} dòng, {created} đơn vị mới.")
