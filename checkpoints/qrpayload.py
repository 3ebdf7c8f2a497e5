"""Parsing what a hand-held scanner types from a visitor's QR code. Pure functions, no database.

Two formats (docs/domain.md §3):

* personal QR, Decision 1405/QĐ-BTTTT (2021): ``SoGiayTo|HoTen|NgaySinh|LoaiDinhDanh|QID|EXT``,
  the name upper-case without diacritics, the birth date ``YYYY-MM-DD``;
* chip ID card (CCCD, and the "thẻ căn cước" since July 2024 as far as known):
  ``IDnumber|oldIDnumber|Full name|DDMMYYYY|Sex|Address|DDMMYYYY(issued)``; the address is the
  registered address printed on the card.

As scanners type them: a trailing separator or line break, an empty old ID and extra spaces are
read; a control character, a code cut short and an unexpected number of fields each get their
own message (docs/domain.md §3 lists them).

The 12-digit ID number (Circular 07/2016/TT-BCA) is 3 digits of the birth province, 1 digit of
sex and century, 2 digits of the birth year and 6 random digits; a mismatch with the declared
sex or birth year is a warning, not an error (typing mistakes happen on both sides).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.text import clean_text, display_name, has_control_characters

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


CCCD_FIELDS = 7
PERSONAL_FIELDS = (3, 6)
_DIGITS = re.compile(r"^\d*$")
ADDRESS_MAX = 255  # Person.address_line


def _clean(raw: str) -> list[str]:
    """The fields of a payload: each one ``clean_text``-ed (NFC, spaces collapsed); a trailing
    separator or line break is dropped."""
    if has_control_characters(raw):
        raise QrPayloadError(_("Mã chứa ký tự không được phép. Vui lòng quét lại."))
    if not raw.strip():
        raise QrPayloadError(_("Không đọc được mã: mã trống. Vui lòng quét lại."))
    if "|" not in raw:
        raise QrPayloadError(
            _("Mã vừa quét không phải mã QR cá nhân hay mã QR trên CCCD gắn chip. Vui lòng quét lại.")
        )
    parts = [clean_text(part) for part in raw.split("|")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _incomplete(kind: str, count: int, expected: int) -> QrPayloadError:
    label = _("mã QR trên CCCD") if kind == "cccd" else _("mã QR cá nhân")
    return QrPayloadError(
        _(
            "Mã chưa đầy đủ: %(label)s mới đọc được %(count)s/%(expected)s trường (có thể bị cắt khi "
            "quét). Vui lòng quét lại."
        )
        % {"label": label, "count": count, "expected": expected}
    )


def _too_many(kind: str, count: int, expected: int) -> QrPayloadError:
    label = _("mã QR trên CCCD") if kind == "cccd" else _("mã QR cá nhân")
    return QrPayloadError(
        _("Mã có %(count)s trường, %(label)s có %(expected)s trường. Vui lòng kiểm tra lại mã.")
        % {"count": count, "label": label, "expected": expected}
    )


def _compact(value: str) -> str:
    return re.sub(r"\s", "", value)


def _cccd_field_ok(position: int, value: str, *, partial: bool) -> bool:
    """Whether a CCCD field looks right for its position; ``partial``: the code was cut in it."""
    value = _compact(value) if position in (0, 1, 3, 6) else value
    if position in (0, 3, 6):
        size = 12 if position == 0 else 8
        return bool(_DIGITS.match(value)) and (len(value) <= size if partial else len(value) == size)
    if position == 1:
        return value == "" or (bool(_DIGITS.match(value)) and (partial or len(value) in (9, 12)))
    if position == 2:
        return bool(value) and not any(c.isdigit() for c in value)
    if position == 4:
        return partial or bool(_sex(value))
    return True  # the address


def _looks_like_cccd(parts: list[str]) -> bool:
    """A 12-digit number then an empty or numeric old ID: the CCCD layout, not a name."""
    return (
        bool(ID12.match(_compact(parts[0]))) and len(parts) >= 2 and _cccd_field_ok(1, parts[1], partial=True)
    )


def _check_cccd_shape(parts: list[str]) -> None:
    """Raises if a CCCD-shaped code is cut short or has more fields than a card carries."""
    if len(parts) > CCCD_FIELDS:
        raise _too_many("cccd", len(parts), CCCD_FIELDS)
    cut = len(parts) < CCCD_FIELDS or not _cccd_field_ok(6, parts[6], partial=False)
    if not cut:
        return
    complete = all(_cccd_field_ok(i, v, partial=False) for i, v in enumerate(parts[:-1]))
    if complete and _cccd_field_ok(len(parts) - 1, parts[-1], partial=True):
        raise _incomplete("cccd", len(parts), CCCD_FIELDS)


def _personal_cut(parts: list[str]) -> bool:
    """An ID and a name, then a birth date missing or cut (``1985-0``)."""
    if len(parts) == 2:
        return bool(parts[1]) and not any(c.isdigit() for c in parts[1])
    date = _compact(parts[2]) if len(parts) == 3 else ""
    return bool(re.fullmatch(r"\d{1,4}(-\d{0,2}){0,2}", date)) and not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", date
    )


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


def _looks_like_id(value: str) -> bool:
    value = _compact(value).upper()
    return bool(ID12.match(value) or ID9.match(value) or PASSPORT.match(value))


def _cccd(parts: list[str]) -> ScannedIdentity:
    """The seven fields of a chip ID card's code; the address is the one printed on the card."""
    old_id = _compact(parts[1])
    return ScannedIdentity(
        kind="cccd",
        id_number=_check_id(parts[0]),
        old_id_number=old_id if ID9.match(old_id) else "",
        full_name=_name(parts[2]),
        date_of_birth=_date(_compact(parts[3]), "%d%m%Y"),
        sex=_sex(parts[4]),
        address_text=parts[5][:ADDRESS_MAX],
    )


def parse(raw: str) -> ScannedIdentity:
    """Reads a personal QR or a CCCD QR; raises QrPayloadError with a message for the operator."""
    parts = _clean(raw)
    if _looks_like_cccd(parts):
        _check_cccd_shape(parts)
    elif _looks_like_id(parts[0]) and _personal_cut(parts):
        raise _incomplete("personal", len(parts), PERSONAL_FIELDS[0])
    if len(parts) == CCCD_FIELDS and re.fullmatch(r"\d{8}", _compact(parts[3])):
        identity = _cccd(parts)
    elif len(parts) >= PERSONAL_FIELDS[0] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", _compact(parts[2])):
        if len(parts) > PERSONAL_FIELDS[1]:
            raise _too_many("personal", len(parts), PERSONAL_FIELDS[1])
        identity = ScannedIdentity(
            kind="personal",
            id_number=_check_id(parts[0]),
            full_name=_name(parts[1]),
            date_of_birth=_date(_compact(parts[2]), "%Y-%m-%d"),
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
