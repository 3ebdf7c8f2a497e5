"""Turns collected report data into files: a PDF (WeasyPrint) and an Excel workbook (openpyxl)."""

import base64
import dataclasses
import io
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports import official
from reports.charts import bar_chart, series_chart
from reports.data import ReportContext, SectionData, Table
from reports.models import Section

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# Sections of the body are numbered I, II, ... (the first page's items are 1, 2, 3).
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

# Short Vietnamese names of the Excel sheets (Excel allows 31 characters); a table not listed
# is named after its title.
SHEET_NAMES = {
    "adoption_by_district": _("Điểm kiểm dịch theo địa bàn"),
    "adoption_by_agency": _("Theo cơ quan"),
    "adoption_by_platform": _("Nền tảng đang dùng"),
    "flagged_declarations": _("Khai báo có dấu hiệu"),
    "population": _("Dân số"),
    "meetings": _("Cuộc họp"),
    "assignment_counts": _("Nhiệm vụ"),
    "overdue": _("Nhiệm vụ quá hạn"),
    "proposals": _("Đề xuất, kiến nghị"),
    "problems": _("Khó khăn, vướng mắc"),
    "open_proposals": _("Kiến nghị chưa xử lý"),
}


def render_html(*, report: object, ctx: ReportContext, sections: list[SectionData]) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # cells too: numbers in the report's locale
        view: list[dict[str, Any]] = []
        for section in sections:
            tables = []
            for table in section.tables:
                active = [row for i, row in enumerate(table.rows) if i not in table.idle_rows]
                svg = _series(table) if table.series else bar_chart(dataclasses.replace(table, rows=active))
                chart = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else ""
                rows = table.active_display_rows()
                tables.append(
                    {"table": table, "rows": rows, "idle": len(table.rows) - len(rows), "chart": chart}
                )
            view.append({"section": section, "tables": tables})
        summary = next((item for item in view if item["section"].key == Section.SUMMARY), None)
        body = [item for item in view if item is not summary]
        for number, item in zip(ROMAN, body, strict=False):
            item["number"] = number
        day = timezone.localdate(ctx.snapshot_at)
        return render_to_string(
            "reports/report_pdf.html",
            {
                "report": report,
                "ctx": ctx,
                "summary": summary["section"] if summary else None,
                "sections": body,
                "date_line": official.date_line(settings.PROVINCE_NAME, day),
                "recipients": official.recipients(settings.PROVINCE_NAME),
                "signer": official.signer(day),
                "font_dir": FONT_DIR.as_uri(),
                "PROVINCE_NAME": settings.PROVINCE_NAME,
            },
        )


def _series(table: Table) -> str | None:
    """A daily table's chart: the dashboard's daily bars (no average over a week's days)."""
    if table.chart_column is None or not table.rows:
        return None
    return series_chart(
        [str(row[0]) for row in table.rows],
        [row[table.chart_column] for row in table.rows],
        title=table.title,
        chart_id=table.key,
        width=640,
        height=160,
    )


# Excel refuses sheet names over 31 characters or containing any of these.
SHEET_FORBIDDEN = re.compile(r"[\\\[\]:*?/]")
SHEET_MAX = 31


def sheet_names(tables: list[Table]) -> list[str]:
    """Vietnamese sheet names, one per table: the table's short name (``SHEET_NAMES``, else
    its title) cut at a word to 31 characters, without the characters Excel refuses, and
    numbered when two would be equal (Excel compares them ignoring case)."""
    names: list[str] = []
    for table in tables:
        label = str(SHEET_NAMES.get(table.key) or table.title)
        base = " ".join(SHEET_FORBIDDEN.sub(" ", label).split()).strip("'") or gettext("Bảng")
        name, counter = _cut(base, SHEET_MAX), 2
        while name.casefold() in {n.casefold() for n in names}:
            suffix = f" ({counter})"
            name, counter = _cut(base, SHEET_MAX - len(suffix)) + suffix, counter + 1
        names.append(name)
    return names


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) >= limit // 2 else text[:limit]).rstrip(" ,;-")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: Pango is only needed where PDFs are made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_xlsx(*, ctx: ReportContext, sections: list[SectionData]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    tables = [table for section in sections for table in section.tables]
    with translation.override(settings.LANGUAGE_CODE):
        for table, title in zip(tables, sheet_names(tables), strict=True):
            _fill_sheet(workbook.create_sheet(title=title), table)
        if not workbook.sheetnames:
            sheet = workbook.create_sheet(title=gettext("Thông tin"))
            sheet.append([gettext("Báo cáo không có bảng số liệu.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet: Any, table: Table) -> None:
    from openpyxl.styles import Font

    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    sheet.freeze_panes = "A3"
