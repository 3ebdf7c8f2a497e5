"""``manage.py import_doses FILE --site ID [--user USERNAME] [--dry-run]``: a vaccination list
through the same resource as the admin import (docs/vaccination.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.imports import command_actor, import_path
from vaccination.imports import DoseImportResource
from vaccination.models import Site


class Command(BaseCommand):
    help = "Nhập danh sách mũi tiêm từ tệp CSV hoặc Excel (ví dụ từ nền tảng quốc gia)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--site", required=True, type=int, help="id of the vaccination site")
        parser.add_argument("--user", help="act as this user (their scope); the system otherwise")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(pk=options["site"]).first()
        if site is None:
            raise CommandError(f"Không có điểm tiêm {options['site']}.")
        actor = command_actor("import_doses", options["user"])
        import_path(
            DoseImportResource(),
            options["file"],
            dry_run=options["dry_run"],
            write=self.stdout.write,
            user=actor,
            site=site,
        )
