"""The shared app's data categories (``core.retention``): people and the audit log."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.retention import Category, register


def unreferenced_visitors(people: QuerySet) -> QuerySet:
    """People who exist only because a visitor typed them in and nothing points at any more.

    Every reverse relation to Person counts as a reference, so a later app's samples or doses
    keep their person without this function knowing about them."""
    from core.models import Person
    from core.services.merge import person_references

    people = people.filter(source=Person.Source.VISITOR)
    for related, field in person_references():  # hidden relations included
        people = people.exclude(Exists(related._base_manager.filter(**{field: OuterRef("pk")})))
    return people


def forget_duplicate_pairs(ids: list[Any]) -> None:
    from core.models import DuplicateCandidate

    DuplicateCandidate.objects.filter(Q(person_id__in=ids) | Q(other_id__in=ids)).delete()


UNVERIFIED_PRIVACY_BASIS = _(
    "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân (từ 01/01/2026: Luật 91/2025/QH15): dữ liệu "
    "sức khỏe chỉ được lưu trong thời gian cần cho mục đích phòng, chống dịch. Chưa có văn bản "
    "quy định thời hạn cụ thể; thời hạn mặc định theo thông lệ (NHS 21 ngày, SafeEntry 25 ngày)."
)

register(
    Category(
        name="core.person",
        label=_("Người do người dân tự khai (không còn lượt vào, tờ khai hay hồ sơ nào trỏ tới)"),
        model="core.Person",
        time_field="created_at",
        period_setting="PERSON_RETENTION_DAYS",
        legal_basis=UNVERIFIED_PRIVACY_BASIS,
        rolled_up=_(
            "Không tổng hợp: người còn được tham chiếu (ca bệnh, mẫu xét nghiệm, mũi tiêm) được giữ."
        ),
        order=90,  # after every category that refers to people
        audit_action="person.purge",
        eligible=unreferenced_visitors,
        before_delete=forget_duplicate_pairs,
        walk="pk",  # no index on created_at (a write per new visitor): walk the primary key
    )
)
register(
    Category(
        name="core.person_official",
        label=_("Người do cán bộ nhập hoặc nhập từ tệp"),
        model="core.Person",
        legal_basis=_("Hồ sơ nghiệp vụ của cơ quan y tế (ca bệnh, xét nghiệm, tiêm chủng): lưu như hồ sơ."),
        rolled_up=_("Không xóa tự động; hợp nhất trùng lặp giữ lại bản ghi chỉ dẫn."),
    )
)
register(
    Category(
        name="core.auditlog",
        label=_("Nhật ký truy cập, thay đổi"),
        model="core.AuditLog",
        legal_basis=_(
            "Nghị định 13/2023/NĐ-CP: ghi nhật ký xử lý dữ liệu cá nhân; chỉ chứa mã số, không chứa "
            "dữ liệu cá nhân. Lưu như hồ sơ pháp lý."
        ),
        rolled_up=_("Không xóa (bảng chỉ cho phép thêm)."),
    )
)
register(
    Category(
        name="core.citizencheck",
        label=_("Mã xác minh công dân (đã băm) gửi qua tin nhắn"),
        model="core.CitizenCheck",
        time_field="created_at",
        period_setting="CITIZEN_CHECK_RETENTION_DAYS",
        legal_basis=_(
            "Nghị định 13/2023/NĐ-CP: chỉ lưu dữ liệu trong thời gian cần cho mục đích xử lý. Mã chỉ "
            "có hiệu lực vài phút; giữ một ngày để đối chiếu khi người dân hỏi, rồi xóa."
        ),
        rolled_up=_("Không tổng hợp; nhật ký giữ mã hồ sơ, mục đích và kết quả xác minh."),
        order=10,  # before the people it points at
        audit_action="citizen_check.purge",
    )
)
register(
    Category(
        name="core.importjob",
        label=_("Lượt nhập tệp (tên tệp, số dòng, các lỗi đã báo)"),
        model="core.ImportJob",
        time_field="created_at",
        period_setting="IMPORT_JOB_RETENTION_DAYS",
        legal_basis=_(
            "Nghị định 13/2023/NĐ-CP: chỉ lưu dữ liệu trong thời gian cần cho mục đích xử lý. Nội "
            "dung tệp bị xóa ngay khi nhập xong, bị từ chối hoặc lỗi; lượt nhập giữ vài ngày để người "
            "gửi xem lại kết quả."
        ),
        rolled_up=_("Không tổng hợp; nhật ký giữ ai đã gửi, nhập vào đâu và số dòng."),
        order=10,
        audit_action="importjob.purge",
    )
)
