"""The admin decides in the request whether a file goes to a worker by counting its rows without
reading its cells (``core.imports.count_rows``): the count is the number of rows the import
reads, for every shape of file, and a file the import refuses is refused with the same message."""

import io
import re
import zipfile

import pytest
import tablib
from django.core.exceptions import ValidationError

from core.imports import count_rows, read_file

HEADERS = ["ma_mau", "ket_qua", "nguoi_xac_nhan"]


def _dataset(n: int) -> tablib.Dataset:
    data = tablib.Dataset(headers=HEADERS)
    for i in range(n):
        data.append((f"KQ-{i:04d}", "âm tính", "BS. Lê"))
    return data


def _without_dimension(xlsx: bytes) -> bytes:
    """The same workbook with no declared used range (as some writers save it)."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(item, data)
    return out.getvalue()


FILES = {
    "csv": ("kq.csv", _dataset(7).export("csv").encode()),
    "csv with a BOM, blank lines and a quoted line break": (
        "kq.csv",
        (
            '\ufeffma_mau,ket_qua,nguoi_xac_nhan\r\nKQ-1,âm tính,"BS. Lê\nThị Hoa"\r\n'
            "\r\nKQ-2,dương tính,BS. An\r\n\r\n"
        ).encode(),
    ),
    "csv with only its header": ("kq.csv", b"ma_mau,ket_qua\n"),
    "empty csv": ("kq.csv", b""),
    "xlsx": ("kq.xlsx", _dataset(12).export("xlsx")),
    "xlsx with no declared range": ("kq.xlsx", _without_dimension(_dataset(12).export("xlsx"))),
    "xlsx with only its header": ("kq.xlsx", _dataset(0).export("xlsx")),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_the_count_is_the_number_of_rows_the_import_reads(case):
    name, content = FILES[case]
    assert count_rows(content, name) == len(read_file(content, name))


def test_the_no_range_case_really_has_no_range():
    import openpyxl

    _name, content = FILES["xlsx with no declared range"]
    assert openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.max_row is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kq.xlsx", b"ma_mau,ket_qua\nKQ-1,am\n"),  # a CSV named .xlsx
        ("kq.xlsx", b"PK\x03\x04 broken zip"),
        ("kq.xlsx", _dataset(3).export("xlsx")[:-200]),  # cut short
        ("kq.xls", b"\xd0\xcf\x11\xe0"),
        ("kq.csv", "ma_mau\nKQ-1\n".encode("utf-16")),
        ("kq.pdf", b"%PDF-1.7"),
    ],
)
def test_a_file_the_import_refuses_is_refused_with_the_same_message(name, content):
    with pytest.raises(ValidationError) as read:
        read_file(content, name)
    with pytest.raises(ValidationError) as counted:
        count_rows(content, name)
    assert counted.value.messages == read.value.messages
