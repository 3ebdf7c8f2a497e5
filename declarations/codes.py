"""Versioned code lists for symptoms and exposures, and versions of the privacy notice.

A declaration stores the codes it ticked and the version of the lists it was shown, so a
code's meaning never changes under an old declaration. Publishing a new list means adding a
version here (never editing a published one) and moving ``CURRENT_*`` to it.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Code:
    code: str
    label: str | Promise


SYMPTOM_LISTS: dict[int, tuple[Code, ...]] = {
    # tokhaiyte.vn, 2020: the six symptoms of the first declaration forms.
    1: (
        Code("fever", _("Sốt")),
        Code("cough", _("Ho")),
        Code("dyspnea", _("Khó thở")),
        Code("pneumonia", _("Viêm phổi")),
        Code("sore_throat", _("Đau họng")),
        Code("fatigue", _("Mệt mỏi")),
    ),
    # 2021 forms added loss of taste or smell.
    2: (
        Code("fever", _("Sốt")),
        Code("cough", _("Ho")),
        Code("dyspnea", _("Khó thở")),
        Code("pneumonia", _("Viêm phổi")),
        Code("sore_throat", _("Đau họng")),
        Code("fatigue", _("Mệt mỏi")),
        Code("taste_smell", _("Mất vị giác hoặc khứu giác")),
    ),
}
EXPOSURE_LISTS: dict[int, tuple[Code, ...]] = {
    1: (
        Code("case_contact", _("Tiếp xúc với người bệnh hoặc nghi mắc COVID-19")),
        Code("from_affected_country", _("Tiếp xúc với người từ nước có bệnh COVID-19")),
        Code("symptomatic_contact", _("Tiếp xúc với người có biểu hiện sốt, ho, khó thở")),
    ),
}
CURRENT_SYMPTOM_VERSION = 2
CURRENT_EXPOSURE_VERSION = 1

NOTICES: dict[str, str | Promise] = {
    "2021-1": _(
        "Thông tin bạn khai được dùng để phòng, chống dịch COVID-19 (truy vết khi có ca bệnh), "
        "chỉ cơ quan y tế có thẩm quyền được xem đầy đủ, và được xóa sau %(days)s ngày. "
        "Khai báo thông tin sai sự thật là vi phạm pháp luật."
    ),
}
CURRENT_NOTICE = "2021-1"


def symptoms(version: int = CURRENT_SYMPTOM_VERSION) -> tuple[Code, ...]:
    return SYMPTOM_LISTS[version]


def exposures(version: int = CURRENT_EXPOSURE_VERSION) -> tuple[Code, ...]:
    return EXPOSURE_LISTS[version]


def label_of(kind: str, version: int, code: str) -> str:
    table = SYMPTOM_LISTS if kind == "symptom" else EXPOSURE_LISTS
    for item in table.get(version, ()):
        if item.code == code:
            return str(item.label)
    return code


def validate_codes(kind: str, version: int, codes: list[str]) -> list[str]:
    """The codes, de-duplicated in list order; raises ValueError on a code not in the list."""
    table = SYMPTOM_LISTS if kind == "symptom" else EXPOSURE_LISTS
    known = [c.code for c in table[version]]
    unknown = set(codes) - set(known)
    if unknown:
        raise ValueError(f"unknown {kind} codes: {sorted(unknown)}")
    return [c for c in known if c in set(codes)]
