"""Shared pieces every app uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Dùng chung")

    def ready(self) -> None:
        from core.roles import role_capabilities

        # Compose every app's capabilities now (all apps are loaded), so a clash between two
        # apps' declarations stops the start instead of the first permission check.
        role_capabilities()

        from django.db.backends.signals import connection_created

        from core.collation import register_sqlite_collation

        # Vietnamese ORDER BY on SQLite (PostgreSQL has the ICU collation from a migration).
        connection_created.connect(register_sqlite_collation, dispatch_uid="core.vi_collation")

        from core import unit_directory

        unit_directory.connect()  # the address selects' units, held per process

        from core import retention, retention_categories  # noqa: F401  (registers core's categories)

        # Every app's ``retention.py`` registers its data categories and roll-ups.
        retention.discover()

        from core import recovery, recovery_kinds  # noqa: F401  (registers core's resumable work)

        # Every app's ``recovery.py`` registers the work a dead worker can leave claimed.
        recovery.discover()

        from core.navigation import Entry, register_portal

        register_portal(
            Entry(
                "core:retention",
                _("Thời hạn lưu trữ dữ liệu"),
                _(
                    "Loại dữ liệu nào được giữ bao lâu, căn cứ pháp lý, số liệu nào được tổng hợp "
                    "trước khi xóa."
                ),
            )
        )
