"""The figures of a report, collected from the other apps' selectors.

Each section builder returns a ``SectionData``: its tables (the same tables feed the PDF, the
charts and the Excel file) and plain statements. A platform that is not built yet yields a
statement saying so, never a figure.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.models import AdministrativeUnit
from reports.models import Section


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    # Column index to chart as horizontal bars (None: no chart), and the label column.
    chart_column: int | None = None
    note: str = ""

    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Cells as (text, css class): numbers right-aligned with Vietnamese thousands dots."""
        out = []
        for row in self.rows:
            cells = []
            for cell in row:
                if cell is None:
                    cells.append(("—", "num"))
                elif isinstance(cell, bool):
                    cells.append((_("Có") if cell else _("Không"), ""))
                elif isinstance(cell, int):
                    cells.append((f"{cell:,}".replace(",", "."), "num"))
                elif isinstance(cell, float):
                    cells.append(
                        (f"{cell:,.1f}".replace(",", " ").replace(".", ",").replace(" ", "."), "num")
                    )
                else:
                    cells.append((str(cell), ""))
            out.append(cells)
        return out


@dataclass
class SectionData:
    key: str
    title: str
    statements: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Short lines for the chairman's summary.
    highlights: list[str] = field(default_factory=list)


@dataclass
class ReportContext:
    period_start: datetime.date
    period_end: datetime.date
    units: list[AdministrativeUnit]
    snapshot_at: datetime.datetime

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.period_start, datetime.time.min))

    @property
    def end(self) -> datetime.datetime:
        """Exclusive end: midnight after the last day, capped at the snapshot time."""
        end = timezone.make_aware(
            datetime.datetime.combine(self.period_end + datetime.timedelta(days=1), datetime.time.min)
        )
        return min(end, self.snapshot_at)


def not_built(platform: str) -> str:
    return _("Nền tảng %(platform)s chưa được triển khai trên cổng: báo cáo không có số liệu phần này.") % {
        "platform": platform
    }


def build_epidemic(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.EPIDEMIC, str(Section.EPIDEMIC.label))
    section.statements.append(
        not_built(_("xét nghiệm")) + " " + _("(ca mắc, số xét nghiệm, tỷ lệ dương tính)")
    )
    section.statements.append(not_built(_("tiêm chủng")) + " " + _("(số mũi tiêm, tỷ lệ bao phủ)"))
    section.statements.append(
        _(
            "Cấp độ dịch theo huyện cần số ca mắc và tỷ lệ tiêm chủng; "
            "chưa đánh giá được khi hai nền tảng trên chưa có."
        )
    )
    demo = any(u.population_is_demo for u in ctx.units)
    rows = [
        [
            u.name,
            u.population_total,
            u.population_18_plus,
            u.population_65_plus,
            _("minh họa") if u.population_is_demo else (u.population_source or _("chính thức")),
        ]
        for u in ctx.units
    ]
    section.tables.append(
        Table(
            key="population",
            title=_("Dân số theo địa bàn (mẫu số cho các tỷ lệ)"),
            headers=[_("Địa bàn"), _("Dân số"), _("Từ 18 tuổi"), _("Từ 65 tuổi"), _("Nguồn số liệu")],
            rows=rows,
            chart_column=1,
            note=_("Số liệu dân số đang là SỐ LIỆU MINH HỌA, không phải số liệu thật.") if demo else "",
        )
    )
    return section


def build_adoption(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.ADOPTION, str(Section.ADOPTION.label))
    section.statements.append(not_built(_("điểm kiểm dịch (quét mã QR)")))
    section.statements.append(not_built(_("báo cáo sử dụng phần mềm của các cơ quan")))
    return section


def build_taskforce(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.TASKFORCE, str(Section.TASKFORCE.label))
    section.statements.append(not_built(_("làm việc của Tổ công nghệ (họp, nhiệm vụ, đề xuất)")))
    return section


def build_difficulties(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.DIFFICULTIES, str(Section.DIFFICULTIES.label))
    section.statements.append(not_built(_("đề xuất, kiến nghị của thành viên")))
    return section


BUILDERS: dict[str, Callable[[ReportContext], SectionData]] = {
    Section.EPIDEMIC: build_epidemic,
    Section.ADOPTION: build_adoption,
    Section.TASKFORCE: build_taskforce,
    Section.DIFFICULTIES: build_difficulties,
}


def build_summary(sections: list[SectionData]) -> SectionData:
    summary = SectionData(Section.SUMMARY, str(Section.SUMMARY.label))
    for section in sections:
        summary.highlights.extend(section.highlights)
    missing = [s.title for s in sections if s.statements and not s.highlights]
    if missing:
        summary.statements.append(
            _("Các phần chưa có số liệu vì nền tảng chưa triển khai: %(sections)s.")
            % {"sections": ", ".join(missing)}
        )
    return summary


def report_units(unit_ids: list[int]) -> list[AdministrativeUnit]:
    units = core_selectors.reporting_units().order_by("code")
    if unit_ids:
        units = units.filter(pk__in=unit_ids)
    return list(units)


def collect(
    *, period_start: datetime.date, period_end: datetime.date, unit_ids: list[int], sections: list[str]
) -> tuple[ReportContext, list[SectionData]]:
    ctx = ReportContext(
        period_start=period_start,
        period_end=period_end,
        units=report_units(unit_ids),
        snapshot_at=timezone.now(),
    )
    built = [BUILDERS[key](ctx) for key in Section.values if key in sections and key in BUILDERS]
    if Section.SUMMARY in sections:
        built.insert(0, build_summary(built))
    return ctx, built


def province_name() -> str:
    return str(settings.PROVINCE_NAME)
