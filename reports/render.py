"""Turns collected report data into files: a PDF (WeasyPrint) and an Excel workbook (openpyxl)."""

import base64
import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from reports.charts import bar_chart
from reports.data import ReportContext, SectionData

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def render_html(*, report: object, ctx: ReportContext, sections: list[SectionData]) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # cells too: numbers in the report's locale
        view = []
        for section in sections:
            tables = []
            for table in section.tables:
                svg = bar_chart(table)
                chart = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else ""
                tables.append({"table": table, "rows": table.display_rows(), "chart": chart})
            view.append({"section": section, "tables": tables})
        return render_to_string(
            "reports/report_pdf.html",
            {
                "report": report,
                "ctx": ctx,
                "sections": view,
                "font_dir": FONT_DIR.as_uri(),
                "PROVINCE_NAME": settings.PROVINCE_NAME,
            },
        )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: Pango is only needed where PDFs are made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_xlsx(*, ctx: ReportContext, sections: list[SectionData]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in sections:
        for table in section.tables:
            sheet = workbook.create_sheet(title=table.key[:31])
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
    if not workbook.sheetnames:
        sheet = workbook.create_sheet(title="info")
        sheet.append([gettext("Báo cáo không có bảng số liệu.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
