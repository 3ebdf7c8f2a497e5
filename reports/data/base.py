"""The shapes every section builder fills: tables, statements, highlights, the report's context."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AdministrativeUnit
from reports import formatting


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    # Column index to chart as horizontal bars (None: no chart), and the label column.
    chart_column: int | None = None
    note: str = ""
    # Rows of units without activity in the period: the PDF folds them into one line
    # ("N đơn vị khác không có hoạt động"); the Excel file keeps every row.
    idle_rows: set[int] = field(default_factory=set)
    # The rows are days (first column): the chart is the daily series (``charts.series_chart``).
    series: bool = False

    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Cells as (text, css class): numbers right-aligned with Vietnamese thousands dots."""
        return [[formatting.format_cell(cell) for cell in row] for row in self.rows]

    def active_display_rows(self) -> list[list[tuple[str, str]]]:
        """The display rows without the idle ones (see ``idle_rows``)."""
        return [
            [formatting.format_cell(cell) for cell in row]
            for index, row in enumerate(self.rows)
            if index not in self.idle_rows
        ]


@dataclass
class SectionData:
    key: str
    title: str
    statements: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Short lines for the chairman's summary.
    highlights: list[str] = field(default_factory=list)
    # True when a platform this section needs is not built: the summary says so.
    incomplete: bool = False
    # Figures the summary page judges (see ``reports.data.assessment``), by name.
    facts: dict[str, Any] = field(default_factory=dict)
    # The summary page only: what went well, what did not, what the task force proposes.
    went_well: list[str] = field(default_factory=list)
    went_badly: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)


@dataclass
class ReportContext:
    period_start: datetime.date
    period_end: datetime.date
    units: list[AdministrativeUnit]
    snapshot_at: datetime.datetime
    # Figures several sections share, computed once per report (see figures.checkpoint_figures).
    shared: dict[str, Any] = field(default_factory=dict)

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


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
