import datetime

import pytest

from checkpoints.qrpayload import QrPayloadError, id_number_facts, id_number_warnings, parse


def test_personal_qr():
    identity = parse("038085000001|NGUYEN VAN AN|1985-03-12|0|QID123|\r\n")
    assert identity.kind == "personal"
    assert identity.id_number == "038085000001"
    assert identity.full_name == "Nguyen Van An"
    assert identity.date_of_birth == datetime.date(1985, 3, 12)
    assert identity.sex == "male"  # from the ID number's sex-century digit
    assert identity.warnings == []
    assert identity.missing() == []


def test_personal_qr_on_behalf_and_short():
    assert parse("038185000002|LE THI BINH|1985-01-01|1|Q|").on_behalf
    identity = parse("038185000002|LE THI BINH|1985-01-01")
    assert identity.sex == "female"


def test_cccd_qr_with_empty_old_id():
    identity = parse("001090123456||Nguyễn Văn A|01011990|Nam|Phường X, Quận Y, TP. Z|15042021")
    assert identity.kind == "cccd"
    assert identity.full_name == "Nguyễn Văn A"
    assert identity.date_of_birth == datetime.date(1990, 1, 1)
    assert identity.sex == "male"
    assert identity.address_text == "Phường X, Quận Y, TP. Z"
    assert identity.old_id_number == ""
    assert identity.warnings == []


def test_cccd_with_old_id_and_female():
    identity = parse("038301001234|123456789|Trần Thị C|05062001|Nữ|Thôn 1, Đông Sơn|01012022")
    assert identity.old_id_number == "123456789"
    assert identity.sex == "female"
    assert identity.warnings == []


def test_mismatch_gives_warnings_not_errors():
    # digit 4 = 0: male born in the 1900s, year 85; the card says female, born 1990.
    identity = parse("038085000001||Lê Thị D|01011990|Nữ|X|01012021")
    assert len(identity.warnings) == 2
    assert "Giới tính" in identity.warnings[0]
    assert "1990" in identity.warnings[1] and "1985" in identity.warnings[1]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "mã trống"),
        ("   \n", "mã trống"),
        ("https://example.com/c/abc", "không phải mã QR cá nhân"),
        ("a|b", "không đúng định dạng"),
        ("038085000001|NGUYEN VAN AN|12-03-1985|0|Q|", "không đúng định dạng"),
        ("038085000001|NGUYEN VAN AN|1985-13-40|0|Q|", "Ngày sinh"),
        ("038085000001|NGUYEN VAN AN|2999-01-01|0|Q|", "Ngày sinh"),
        ("12AB|NGUYEN VAN AN|1985-03-12|0|Q|", "Số giấy tờ"),
        ("038085000001||  |1985-03-12|0|Q", "không đúng định dạng"),
        ("038085000001|   |1985-03-12|0|Q|", "họ và tên"),
        ("00109012345||Nguyễn Văn A|01011990|Nam|X|15042021", "Số giấy tờ"),
        ("001090123456||Nguyễn Văn A|31021990|Nam|X|15042021", "Ngày sinh"),
    ],
)
def test_malformed_codes_get_a_clear_message(payload, message):
    with pytest.raises(QrPayloadError) as excinfo:
        parse(payload)
    assert message in str(excinfo.value)


def test_id_number_facts():
    assert id_number_facts("038085000001") == ("male", 1985)
    assert id_number_facts("038301001234") == ("female", 2001)
    assert id_number_facts("038200001234") == ("male", 2000)
    assert id_number_facts("123456789") is None
    assert id_number_warnings("038085000001", sex="male", birth_year=1985) == []
    assert id_number_warnings("123456789", sex="female", birth_year=1985) == []


CARD = "001090123456||Nguyễn Văn A|01011990|Nam|Phường X, Quận Y, TP. Z|15042021"


@pytest.mark.parametrize(
    "payload",
    [
        CARD + "|",  # a trailing separator
        CARD + "\r\n",  # a scanner's Enter
        CARD + "|\n",
        CARD.replace("|", " | "),  # extra spaces around every field
        " 001 090 123 456 ||  Nguyễn   Văn  A | 01011990 |Nam|  Phường X,  Quận Y, TP. Z |15042021  ",
    ],
)
def test_cccd_as_cards_and_phone_scanners_produce_it(payload):
    identity = parse(payload)
    assert identity.kind == "cccd" and identity.id_number == "001090123456"
    assert identity.full_name == "Nguyễn Văn A" and identity.date_of_birth == datetime.date(1990, 1, 1)
    assert identity.address_text == "Phường X, Quận Y, TP. Z" and identity.old_id_number == ""


def test_cccd_in_decomposed_unicode_is_read_as_nfc():
    import unicodedata

    identity = parse(unicodedata.normalize("NFD", CARD))
    assert identity.full_name == "Nguyễn Văn A" and identity.address_text == "Phường X, Quận Y, TP. Z"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (CARD + "|extra|more", "Mã có 9 trường, mã QR trên CCCD có 7 trường"),
        ("038085000001|NGUYEN VAN AN|1985-03-12|0|Q|X|Y", "Mã có 7 trường, mã QR cá nhân có 6 trường"),
    ],
)
def test_unexpected_number_of_fields_is_named_with_the_count(payload, message):
    with pytest.raises(QrPayloadError) as excinfo:
        parse(payload)
    assert message in str(excinfo.value)


@pytest.mark.parametrize("payload", ["\x00\x00", CARD.replace("|Nam|", "|Nam\x1d|"), "\x1b[A" + CARD])
def test_control_characters_are_not_allowed_rather_than_empty(payload):
    with pytest.raises(QrPayloadError) as excinfo:
        parse(payload)
    assert "Mã chứa ký tự không được phép" in str(excinfo.value)


@pytest.mark.parametrize(
    ("payload", "count", "expected"),
    [
        (CARD[: CARD.index("|Phường")], 5, 7),  # cut after the sex
        (CARD[: CARD.index("0101") + 3], 4, 7),  # cut inside the birth date
        (CARD[:-3], 7, 7),  # cut inside the issue date
        ("001090123456||Nguyễn Văn A", 3, 7),
        ("038085000001|NGUYEN VAN AN|1985-0", 3, 3),
        ("038085000001|NGUYEN VAN AN", 2, 3),
    ],
)
def test_a_truncated_code_is_said_to_be_incomplete(payload, count, expected):
    with pytest.raises(QrPayloadError) as excinfo:
        parse(payload)
    message = str(excinfo.value)
    assert "Mã chưa đầy đủ" in message and f"{count}/{expected}" in message
