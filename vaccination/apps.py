"""Vaccination: vaccines, lots, sites, appointments, doses, adverse events, certificates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinationConfig(AppConfig):
    name = "vaccination"
    verbose_name = _("Tiêm chủng")

    def ready(self) -> None:
        from core.navigation import Entry, register_portal
        from core.roles import user_can
        from vaccination.capabilities import VaccinationCap

        register_portal(
            Entry(
                "vaccination:sites",
                _("Tiêm chủng"),
                _("Điểm tiêm, tồn kho vắc xin, buổi tiêm, khám sàng lọc, ghi nhận mũi tiêm, chứng nhận."),
                visible_to=lambda r: user_can(r.user, VaccinationCap.VIEW),
            )
        )
