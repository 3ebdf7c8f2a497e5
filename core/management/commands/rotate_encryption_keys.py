"""Re-encrypts every encrypted column under the first key of PORTAL_FIELD_ENCRYPTION_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.actors import SystemActor
from core.audit import audit
from core.crypto import EncryptedTextField


class Command(BaseCommand):
    help = "Mã hóa lại dữ liệu cá nhân bằng khóa mới nhất (đặt khóa mới ở đầu danh sách trước)."

    def handle(self, *args: object, **options: object) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            # values_list decrypts with any active key; update() encrypts with the newest one.
            with transaction.atomic():
                count = 0
                for pk, *tokens in model._base_manager.values_list("pk", *fields).iterator():
                    updates = {}
                    for name, plain in zip(fields, tokens, strict=True):
                        if plain:
                            updates[name] = plain  # get_prep_value encrypts with the newest key
                    if updates:
                        model._base_manager.filter(pk=pk).update(**updates)
                        count += 1
                audit(
                    actor=SystemActor("command:rotate_encryption_keys"),
                    action="crypto.rotate",
                    target=model,
                    details={"rows": count},
                )
            total += count
            self.stdout.write(f"{model._meta.label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Đã mã hóa lại {total} bản ghi."))
