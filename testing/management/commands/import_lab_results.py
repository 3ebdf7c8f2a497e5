"""``manage.py import_lab_results FILE --lab ID_OR_NAME [--user USERNAME] [--dry-run]``: a lab
system's results file through the same resource as the admin import (docs/testing.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.imports import command_actor, import_path
from testing.imports import LabResultResource
from testing.models import Lab


class Command(BaseCommand):
    help = "Nhập kết quả xét nghiệm từ tệp CSV hoặc Excel của phòng xét nghiệm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--lab", required=True, help="id or exact name of the lab")
        parser.add_argument("--user", help="act as this user (their scope); the system otherwise")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        value = options["lab"]
        lab = (
            Lab.objects.filter(pk=int(value)).first()
            if value.isdigit()
            else Lab.objects.filter(name=value).first()
        )
        if lab is None:
            raise CommandError(f"Không có phòng xét nghiệm {value}.")
        actor = command_actor("import_lab_results", options["user"])
        import_path(
            LabResultResource(),
            options["file"],
            dry_run=options["dry_run"],
            write=self.stdout.write,
            user=actor,
            lab=lab,
        )
