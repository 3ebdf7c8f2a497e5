"""The privacy app's data categories (``core.retention``)."""

from django.utils.translation import gettext_lazy as _

from core import retention

retention.register(
    retention.Category(
        name="privacy.subject_request",
        label=_("Yêu cầu của người dân về dữ liệu cá nhân (ai yêu cầu, xác minh thế nào, kết quả)"),
        model="privacy.SubjectRequest",
        legal_basis=_(
            "Nghị định 13/2023/NĐ-CP: bên kiểm soát dữ liệu phải chứng minh đã đáp ứng yêu cầu của "
            "chủ thể dữ liệu; lưu như hồ sơ (chưa kiểm chứng thời hạn cụ thể)."
        ),
        rolled_up=_("Không xóa tự động: là bằng chứng việc cung cấp, xóa dữ liệu."),
    )
)
retention.register(
    retention.Category(
        name="privacy.access_report",
        label=_("Báo cáo truy cập dữ liệu cá nhân hằng tháng"),
        model="privacy.AccessReport",
        legal_basis=_(
            "Nghị định 13/2023/NĐ-CP: ghi nhật ký và kiểm tra việc xử lý dữ liệu cá nhân; chỉ chứa mã "
            "và tên cán bộ, số lượt, mục đích. Lưu như hồ sơ."
        ),
        rolled_up=_("Không xóa tự động."),
    )
)
