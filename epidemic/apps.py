"""Epidemic levels (docs/epidemic.md): the rules, treatment capacity, the weekly proposal, the
level the People's Committee declared, and the units' boundaries for the map."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    name = "epidemic"
    verbose_name = _("Cấp độ dịch")

    def ready(self) -> None:
        from core.navigation import Entry, register_portal
        from core.roles import user_can
        from epidemic.capabilities import EpidemicCap

        register_portal(
            Entry(
                "epidemic:overview",
                _("Cấp độ dịch"),
                _("Cấp độ đề xuất theo tuần, cấp độ đã công bố, năng lực thu dung điều trị, bản đồ."),
                visible_to=lambda r: user_can(r.user, EpidemicCap.VIEW),
            )
        )
