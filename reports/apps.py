"""Reports to the provincial chairman: weekly PDF, ad-hoc reports, archive and delivery."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from core.navigation import Entry, register_portal
        from core.roles import user_can
        from reports.capabilities import ReportCap

        register_portal(
            Entry(
                url_name="reports:archive",
                title=_("Báo cáo gửi Chủ tịch UBND tỉnh"),
                text=_("Báo cáo tuần tự động, báo cáo đột xuất, lưu trữ và tải về PDF, Excel."),
                visible_to=lambda request: user_can(request.user, ReportCap.VIEW_REPORTS),
            )
        )
