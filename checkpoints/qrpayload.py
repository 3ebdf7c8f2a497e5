"""Parsing what a hand-held scanner types from a visitor's QR code. Pure functions, no database.

Two formats (docs/domain.md §3):

* personal QR, Decision 1405/QĐ-BTTTT (2021): ``SoGiayTo|HoTen|NgaySinh|LoaiDinhDanh|QID|EXT``,
  the name upper-case without diacritics, the birth date ``YYYY-MM-DD``;
* chip ID card (CCCD): ``IDnumber|oldIDnumber|Full name|DDMMYYYY|Sex|Address|DDMMYYYY(issued)``.

The 12-digit ID number (Circular 07/2016/TT-BCA) is 3 digits of the birth province, 1 digit of
sex and century, 2 digits of the birth year and 6 random digits; a mismatch with the declared
sex or birth year is a warning, not an error (typing mistakes happen on both sides).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.text import clean_text, display_name

MALE = "male"
FEMALE = "female"


class QrPayloadError(ValueError):
    """A payload that is not a code we can read; the message is for the operator."""


@dataclass
class ScannedIdentity:
    kind: str  # "personal" | "cccd"
    id_number: str
    full_name: str
    date_of_birth: datetime.date | None
    sex: str = ""  # "" when the code does not tell
    address_text: str = ""
    old_id_number: str = ""
    on_behalf: bool = False
    warnings: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """Fields a check-in needs that the code did not give."""
        return [name for name in ("full_name", "date_of_birth", "sex") if not getattr(self, name)]


ID12 = re.compile(r"^\d{12}$")
ID9 = re.compile(r"^\d{9}$")
PASSPORT = re.compile(r"^[A-Z]{1,2}\d{6,8}$")


def _clean(raw: str) -> list[str]:
    text = raw.replace("\r", "").replace("\n", "").strip()
    if not text:
        raise QrPayloadError(_("Không đọc được mã: mã trống. Vui lòng quét lại."))
    if "|" not in text:
        raise QrPayloadError(
            _("Mã vừa quét không phải mã QR cá nhân hay mã QR trên CCCD gắn chip. Vui lòng quét lại.")
        )
    return [part.strip() for part in text.split("|")]


def _check_id(value: str) -> str:
    value = re.sub(r"\s", "", value).upper()
    if not (ID12.match(value) or ID9.match(value) or PASSPORT.match(value)):
        raise QrPayloadError(
            _("Số giấy tờ trong mã không hợp lệ: “%(value)s” (cần 12 số CCCD, 9 số CMND hoặc số hộ chiếu).")
            % {"value": value[:20]}
        )
    return value


def _date(value: str, fmt: str) -> datetime.date:
    try:
        # naive on purpose: a calendar date, not an instant
        parsed = datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007
    except ValueError as exc:
        raise QrPayloadError(
            _("Ngày sinh trong mã không hợp lệ: “%(value)s”.") % {"value": value[:20]}
        ) from exc
    if parsed > datetime.date.today() or parsed.year < 1900:  # noqa: DTZ011
        raise QrPayloadError(_("Ngày sinh trong mã không hợp lệ: “%(value)s”.") % {"value": value[:20]})
    return parsed


def _name(value: str) -> str:
    name = display_name(value)
    if not name:
        raise QrPayloadError(_("Mã không có họ và tên."))
    # The personal QR carries "NGUYEN VAN AN": shown as "Nguyen Van An".
    return name


def _sex(value: str) -> str:
    key = value.strip().casefold()
    if key in {"nam", "male", "m"}:
        return MALE
    if key in {"nữ", "nu", "female", "f"}:
        return FEMALE
    return ""


def id_number_facts(id_number: str) -> tuple[str, int] | None:
    """(sex, birth year) encoded in a 12-digit ID number, or None if it is not one."""
    if not ID12.match(id_number):
        return None
    digit = int(id_number[3])
    century = 1900 + (digit // 2) * 100
    sex = MALE if digit % 2 == 0 else FEMALE
    return sex, century + int(id_number[4:6])


def id_number_warnings(id_number: str, *, sex: str, birth_year: int | None) -> list[str]:
    facts = id_number_facts(id_number)
    if facts is None:
        return []
    id_sex, id_year = facts
    warnings = []
    if sex in (MALE, FEMALE) and sex != id_sex:
        warnings.append(_("Giới tính không khớp với số CCCD. Vui lòng kiểm tra lại."))
    if birth_year and birth_year != id_year:
        warnings.append(
            _("Năm sinh %(year)s không khớp với số CCCD (năm %(id_year)s). Vui lòng kiểm tra lại.")
            % {"year": birth_year, "id_year": id_year}
        )
    return warnings


def parse(raw: str) -> ScannedIdentity:
    """Reads a personal QR or a CCCD QR; raises QrPayloadError with a message for the operator."""
    parts = _clean(raw)
    if len(parts) == 7 and re.fullmatch(r"\d{8}", parts[3]):
        identity = ScannedIdentity(
            kind="cccd",
            id_number=_check_id(parts[0]),
            old_id_number=parts[1] if ID9.match(parts[1]) else "",
            full_name=_name(parts[2]),
            date_of_birth=_date(parts[3], "%d%m%Y"),
            sex=_sex(parts[4]),
            address_text=clean_text(parts[5]),
        )
    elif 3 <= len(parts) <= 6 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[2]):
        identity = ScannedIdentity(
            kind="personal",
            id_number=_check_id(parts[0]),
            full_name=_name(parts[1]),
            date_of_birth=_date(parts[2], "%Y-%m-%d"),
            on_behalf=len(parts) > 3 and parts[3] == "1",
        )
    else:
        raise QrPayloadError(
            _(
                "Mã vừa quét không đúng định dạng mã QR cá nhân hay mã QR trên CCCD gắn chip. "
                "Vui lòng quét lại."
            )
        )
    facts = id_number_facts(identity.id_number)
    if not identity.sex and facts is not None:
        identity.sex = facts[0]
    identity.warnings = id_number_warnings(
        identity.id_number,
        sex=identity.sex,
        birth_year=identity.date_of_birth.year if identity.date_of_birth else None,
    )
    return identity
