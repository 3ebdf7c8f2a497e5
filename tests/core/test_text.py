"""Text as people type it (core/text.py): one form before it is stored."""

import unicodedata

import pytest

from core.services import PersonData, name_key
from core.text import CleanCharField, CleanSerializerCharField, clean_text, display_name


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_nfd_is_stored_as_nfc():
    typed = nfd("Nguyễn Văn Ấn")
    assert typed != "Nguyễn Văn Ấn"  # the keyboard really sent combining marks
    assert clean_text(typed) == "Nguyễn Văn Ấn"
    assert unicodedata.is_normalized("NFC", clean_text(typed))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Thôn 1,   xã Đông Sơn \t", "Thôn 1, xã Đông Sơn"),
        ("Thôn\u200b 1\r\n", "Thôn 1"),  # zero-width space and a scanner's line break
        ("Lê\x00 Văn", "Lê Văn"),  # a control character becomes a space, then collapses
        ("\ufeffHà Nội", "Hà Nội"),
        (None, ""),
    ],
)
def test_clean_text_trims_collapses_and_drops_invisible_characters(raw, clean):
    assert clean_text(raw) == clean


def test_multiline_text_keeps_its_lines():
    assert clean_text("  dòng 1  \r\n\r\n  dòng   2 ", multiline=True) == "dòng 1\n\ndòng 2"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("nguyễn văn a", "Nguyễn Văn A"),
        ("NGUYỄN VĂN ẤN", "Nguyễn Văn Ấn"),
        (nfd("nguyễn thị ánh"), "Nguyễn Thị Ánh"),
        ("  đặng   thị  ĐÀO ", "Đặng Thị Đào"),
        ("NGUYEN VAN AN", "Nguyen Van An"),
        ("jean-pierre o'neil", "Jean-Pierre O'Neil"),
        ("John McDonald", "John McDonald"),  # a mixed-case word was written so on purpose
    ],
)
def test_display_name_capitalises_every_syllable(raw, shown):
    assert display_name(raw) == shown


def test_person_data_cleans_once_for_every_path_and_keeps_what_was_declared():
    data = PersonData(full_name=nfd("  nguyễn   văn an "), address_line=nfd(" Thôn  Đông  "), phone=" 0912 ")
    assert data.full_name == "Nguyễn Văn An"
    assert data.declared_name == "nguyễn văn an"  # NFC and trimmed, case as declared
    assert data.address_line == "Thôn Đông" and data.phone == "0912"
    # Matching still ignores case and diacritics.
    assert name_key(data.full_name) == name_key(data.declared_name) == name_key("NGUYEN VAN AN")


def test_form_field_cleans_before_checking_the_length():
    # 40 × "ễ" in NFD is 120 code points: over a 100 limit unless normalised first.
    field = CleanCharField(max_length=100)
    assert field.clean(nfd("ễ" * 40) + "  ") == "ễ" * 40
    assert CleanCharField(required=False).clean("   ") == ""


def test_serializer_field_cleans_before_checking_the_length():
    field = CleanSerializerCharField(max_length=100)
    assert field.run_validation(nfd("ễ" * 40) + "\u200b ") == "ễ" * 40
