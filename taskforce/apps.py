"""Task force workplace: members, meetings, assignments, proposals and agency adoption."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = _("Tổ công nghệ")

    def ready(self) -> None:
        from core.navigation import Entry, register_portal
        from core.roles import user_can
        from taskforce.capabilities import TaskforceCap

        def can(*caps: str):
            return lambda request: any(user_can(request.user, cap) for cap in caps)

        register_portal(
            Entry(
                "taskforce:home",
                _("Tổ công nghệ"),
                _("Thành viên, cuộc họp sắp tới, nhiệm vụ của tôi, nhiệm vụ quá hạn, đề xuất đang chờ."),
                can(TaskforceCap.TASKFORCE_VIEW),
            )
        )
        register_portal(
            Entry(
                "taskforce:assignment-list",
                _("Nhiệm vụ được giao"),
                _("Nhiệm vụ Tổ công nghệ giao cho cơ quan, cập nhật tiến độ."),
                lambda request: (
                    not user_can(request.user, TaskforceCap.TASKFORCE_VIEW)
                    and user_can(request.user, TaskforceCap.ASSIGNMENT_WORK)
                ),
            )
        )
        register_portal(
            Entry(
                "taskforce:adoption",
                _("Tình hình sử dụng phần mềm"),
                _("Báo cáo hằng tuần của các cơ quan; cơ quan chưa báo cáo."),
                can(TaskforceCap.ADOPTION_VIEW),
            )
        )
        register_portal(
            Entry(
                "taskforce:report-submit",
                _("Gửi báo cáo sử dụng phần mềm"),
                _("Báo cáo hằng tuần của cơ quan: cài đặt ứng dụng, điểm kiểm dịch, lượt quét."),
                can(TaskforceCap.ADOPTION_REPORT),
            )
        )
