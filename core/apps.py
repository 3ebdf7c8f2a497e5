"""Shared pieces every app uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Dùng chung")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core.collation import register_sqlite_collation

        # Vietnamese ORDER BY on SQLite (PostgreSQL has the ICU collation from a migration).
        connection_created.connect(register_sqlite_collation, dispatch_uid="core.vi_collation")
