"""Moves every encrypted column to the newest key of PORTAL_FIELD_ENCRYPTION_KEYS and every look-up
hash to PORTAL_LOOKUP_HASH_KEY, in batches (resumable, idempotent: ``core.keyrotation``).
``--check`` counts the rows the old keys are still needed for (all 0: they can be retired)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.actors import SystemActor
from core.keyrotation import rotation_pending, rotation_run


class Command(BaseCommand):
    help = (
        "Mã hóa lại dữ liệu cá nhân bằng khóa mới nhất và tính lại mã băm tra cứu, theo từng lô "
        "(chạy lại được). --check: đếm bản ghi còn cần khóa cũ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=None, help="số bản ghi mỗi lô")
        parser.add_argument("--max-batches", type=int, default=None, help="dừng sau chừng này lô")
        parser.add_argument("--check", action="store_true", help="chỉ đếm bản ghi còn cần khóa cũ")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check"]:
            changed = rotation_run(
                actor=SystemActor("command:rotate_encryption_keys"),
                size=options["batch"],
                max_batches=options["max_batches"],
            )
            for step, count in changed.items():
                self.stdout.write(f"{step}: {count}")
            self.stdout.write(
                self.style.SUCCESS(f"Đã mã hóa lại / tính lại {sum(changed.values())} bản ghi.")
            )
        pending = rotation_pending()
        for step, count in pending.items():
            self.stdout.write(f"{step}: {count} bản ghi còn cần khóa cũ")
        if options["check"] and any(pending.values()):
            raise CommandError("Chưa thể bỏ khóa cũ: còn bản ghi cần khóa cũ.")
