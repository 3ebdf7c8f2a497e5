"""The declarations app's data category (``core.retention``)."""

from django.utils.translation import gettext_lazy as _

from core import retention
from core.retention_categories import UNVERIFIED_PRIVACY_BASIS

retention.register(
    retention.Category(
        name="declarations.declaration",
        label=_("Tờ khai y tế (triệu chứng, yếu tố dịch tễ, nơi đã đến)"),
        model="declarations.Declaration",
        time_field="created_at",
        period_setting="DECLARATION_RETENTION_DAYS",
        legal_basis=UNVERIFIED_PRIVACY_BASIS,
        rolled_up=_(
            "Không tổng hợp riêng: lượt vào giữ mức nguy cơ của tờ khai; khi tờ khai bị xóa trước, "
            "lượt vào vẫn còn (không còn liên kết tới tờ khai)."
        ),
        order=20,  # after check-ins, before people
        audit_action="declaration.purge",
    )
)
