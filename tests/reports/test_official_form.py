"""The weekly report in the official form of Decree 30/2020/NĐ-CP, its first page (what went
well, what did not, what the task force proposes) and the folding of units without activity."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from reports import data, official, render, services
from reports.data.assessment import assess
from reports.data.base import SectionData, Table
from reports.models import Report, ReportRecipient, Section
from tests.reports.test_figures import world  # noqa: F401  (fixture)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


def _html(report: Report) -> str:
    ctx, sections = data.collect(
        period_start=report.period_start,
        period_end=report.period_end,
        unit_ids=list(report.unit_ids),
        sections=list(report.sections),
    )
    return render.render_html(report=report, ctx=ctx, sections=sections)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _weekly(start: datetime.date) -> Report:
    return Report.objects.create(
        kind=Report.Kind.WEEKLY,
        number=services._number(Report.Kind.WEEKLY, start),
        period_start=start,
        period_end=start + datetime.timedelta(days=6),
        sections=list(Section.values),
    )


def test_date_line_follows_decree_30():
    assert official.date_line("Thanh Hóa", datetime.date(2021, 9, 7)) == "Thanh Hóa, ngày 07 tháng 9 năm 2021"
    assert (
        official.date_line("Thanh Hóa", datetime.date(2022, 2, 15)) == "Thanh Hóa, ngày 15 tháng 02 năm 2022"
    )
    assert (
        official.date_line("Thanh Hóa", datetime.date(2022, 12, 1)) == "Thanh Hóa, ngày 01 tháng 12 năm 2022"
    )


def test_html_has_motto_number_recipients_and_the_leader_as_signer(world):  # noqa: F811
    ReportRecipient.objects.create(name="Văn phòng UBND tỉnh", email="vp@example.invalid")
    ReportRecipient.objects.create(name="Người đã thôi nhận", email="old@example.invalid", is_active=False)
    start = timezone.localdate() - datetime.timedelta(days=6)
    report = _weekly(start)
    text = _text(_html(report))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.upper()
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Tổ công nghệ phòng, chống dịch COVID-19".upper() in text.upper()
    assert f"Số: {report.number}" in text and report.number.endswith("/BC-TCN")
    assert official.date_line("Thanh Hóa", timezone.localdate()) in text
    assert "Nơi nhận: - Chủ tịch UBND tỉnh Thanh Hóa (để b/c); - Văn phòng UBND tỉnh;" in text
    assert "Người đã thôi nhận" not in text
    assert "- Lưu: VT, TCN." in text
    # The signer is the task force's leader seat (tests/taskforce/factories.py).
    assert "TỔ TRƯỞNG Nguyễn Văn Tước" in text


def test_first_page_says_what_went_well_what_did_not_and_what_is_proposed(world):  # noqa: F811
    start = timezone.localdate() - datetime.timedelta(days=6)
    html = _html(_weekly(start))
    first_page = _text(html.split('<section class="first">', 1)[1].split("</section>", 1)[0])
    well = first_page.split("1. Kết quả đạt được", 1)[1].split("2. Tồn tại, hạn chế", 1)[0]
    badly = first_page.split("2. Tồn tại, hạn chế", 1)[1].split("3. Đề xuất, kiến nghị", 1)[0]
    proposed = first_page.split("3. Đề xuất, kiến nghị của Tổ công nghệ", 1)[1]
    # The world: 4 approved checkpoints of which 1 silent, 1 overdue assignment.
    assert "3/4 điểm kiểm dịch đã duyệt có lượt quét" in well
    assert "1 điểm kiểm dịch đã duyệt không có lượt quét" in badly
    assert "1 nhiệm vụ quá hạn" in badly
    assert "1 điểm kiểm dịch không có lượt quét kiểm tra" in proposed
    assert "đôn đốc hoàn thành 1 nhiệm vụ quá hạn" in proposed


def _facts(**kw):
    defaults: dict[str, object] = {"registered": 5, "approved": 5, "active": 5, "silent": 0, "scans": 100}
    defaults.update({"reported": 9, "expected": 10, "missing": ["Sở Y tế"]})
    defaults.update(kw)
    adoption = SectionData(Section.ADOPTION, "", facts=defaults)
    taskforce = SectionData(Section.TASKFORCE, "", facts={"held": 1, "created": 2, "done": 2, "overdue": 0})
    difficulties = SectionData(Section.DIFFICULTIES, "", facts={"problems": 0, "pending_proposals": 0})
    return [adoption, taskforce, difficulties]


def test_assessment_follows_the_figures():
    good = SectionData(Section.SUMMARY, "")
    assess(good, _facts())
    assert any("9/10 cơ quan đã gửi báo cáo" in line for line in good.went_well)
    assert good.went_badly == ["Không có tồn tại đáng kể trong kỳ."]
    assert any("nhắc 1 cơ quan chưa gửi báo cáo: Sở Y tế" in line for line in good.proposals)

    bad = SectionData(Section.SUMMARY, "")
    sections = _facts(reported=2, silent=3, active=2)
    sections[1].facts["overdue"] = 4
    sections[2].facts["pending_proposals"] = 2
    assess(bad, sections)
    assert any("2/10 cơ quan đã gửi báo cáo sử dụng phần mềm (20,0%)" in line for line in bad.went_badly)
    assert any(line.startswith("3 điểm kiểm dịch") for line in bad.went_badly)
    assert "4 nhiệm vụ quá hạn." in bad.went_badly
    assert any("cho ý kiến về 2 kiến nghị" in line for line in bad.proposals)
    assert len(bad.proposals) == 4


def test_units_without_activity_are_folded_into_one_line(world, dong_son, sam_son):  # noqa: F811
    start = timezone.localdate() - datetime.timedelta(days=6)
    html = _html(_weekly(start))
    by_district = html.split("Điểm kiểm dịch và lượt quét theo địa bàn", 1)[1].split("</table>", 1)[0]
    # Only Đông Sơn and Sầm Sơn have checkpoints; the other 25 districts fit in one line.
    assert dong_son.name in by_district and sam_son.name in by_district
    assert "25 đơn vị khác không có hoạt động" in by_district
    assert "Huyện Như Xuân" not in by_district
    # The Excel file keeps every district.
    table = Table(key="t", title="t", headers=["a"], rows=[["x"], ["y"]], idle_rows={1})
    assert table.active_display_rows() == [[("x", "")]]


def test_excel_sheet_names_are_vietnamese_and_valid():
    long_title = "Khó khăn: vướng mắc [các cơ quan] báo cáo *tuần* này? a/b\\c"
    tables = [
        Table(key="population", title="x", headers=[], rows=[]),
        Table(key="new_table", title=long_title, headers=[], rows=[]),
        Table(key="new_table_2", title=long_title, headers=[], rows=[]),
        Table(key="meetings", title="y", headers=[], rows=[]),
    ]
    names = render.sheet_names(tables)
    assert names[0] == "Dân số" and names[3] == "Cuộc họp"
    assert len({n.casefold() for n in names}) == 4
    for name in names:
        assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\"), name
    assert names[1].startswith("Khó khăn vướng mắc các cơ quan")
    assert names[2].endswith("(2)")


@needs_poppler
def test_rendered_pdf_has_the_official_blocks_and_the_summary_on_page_one(world):  # noqa: F811
    ReportRecipient.objects.create(name="Văn phòng UBND tỉnh", email="vp@example.invalid")
    start = timezone.localdate() - datetime.timedelta(days=6)
    report = services.report_generate(report_id=_weekly(start).pk)
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    page1 = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    everything = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"Số: {report.number}", "BÁO CÁO"):
        assert words in page1
    for words in ("Kết quả đạt được", "Tồn tại, hạn chế", "Đề xuất, kiến nghị của Tổ công nghệ"):
        assert words in page1
    for words in ("Nơi nhận:", "Văn phòng UBND tỉnh;", "Lưu: VT, TCN.", "TỔ TRƯỞNG", "Nguyễn Văn Tước"):
        assert words in everything
    from openpyxl import load_workbook

    with report.xlsx.open("rb") as handle:
        sheets = load_workbook(handle).sheetnames
    assert "Điểm kiểm dịch theo địa bàn" in sheets and "Dân số" in sheets
