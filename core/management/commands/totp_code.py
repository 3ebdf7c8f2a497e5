"""The code a demo account's authenticator shows now: ``manage.py totp_code USERNAME``.

For the demo and local testing only (the secrets of real officials stay on their phones): it
refuses to run with DEBUG off unless ``--allow-production`` is given, like ``demo_data``."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.twofactor import totp_now


class Command(BaseCommand):
    help = "In mã xác thực hai bước hiện tại của một tài khoản minh họa."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("totp_code chỉ dùng cho tài khoản minh họa, khi DEBUG=True.")
        user = get_user_model().objects.filter(username=options["username"]).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None:
            raise CommandError(f"{options['username']}: chưa đăng ký xác thực hai bước.")
        self.stdout.write(totp_now(device.key))
