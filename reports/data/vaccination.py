"""Section: vaccination (doses, coverage by reporting unit, stock and wastage, AEFI), read from
``vaccination.selectors`` (docs/vaccination.md)."""

from typing import Any

from django.utils.translation import gettext as _

from reports import formatting
from reports.data.base import ReportContext, SectionData, Table
from reports.models import Section
from vaccination import selectors


def build_vaccination(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.VACCINATION, str(Section.VACCINATION.label))
    figures = selectors.report_figures(
        date_from=ctx.period_start, date_to=ctx.period_end, start=ctx.start, end=ctx.end
    )
    coverage = {row["unit"].pk: row for row in selectors.coverage(until=ctx.period_end)}
    total = sum(figures["doses"].values())
    section.highlights.append(
        _("%(doses)s mũi vắc xin COVID-19 đã tiêm trong kỳ.") % {"doses": formatting.thousands(total)}
    )
    rows: list[list[Any]] = []
    for unit in ctx.units:
        groups = coverage.get(unit.pk, {}).get("groups", {})
        adults = groups.get("18", {})
        elderly = groups.get("65", {})
        rows.append(
            [
                unit.name,
                figures["doses"].get(unit.pk, 0),
                adults.get("first_pct"),
                adults.get("full_pct"),
                adults.get("booster_pct"),
                elderly.get("full_pct"),
            ]
        )
    section.tables.append(
        Table(
            key="vaccination_coverage",
            title=_("Số mũi tiêm trong kỳ và độ bao phủ (%) theo địa bàn"),
            headers=[
                _("Địa bàn"),
                _("Số mũi trong kỳ"),
                _("18+ mũi 1"),
                _("18+ đủ liều"),
                _("18+ nhắc lại"),
                _("65+ đủ liều"),
            ],
            rows=rows,
            chart_column=1,
            idle_rows={i for i, r in enumerate(rows) if not r[1]},
        )
    )
    section.tables.append(
        Table(
            key="vaccination_stock",
            title=_("Vắc xin: nhập, tồn, hủy"),
            headers=[_("Nội dung"), _("Số liều")],
            rows=[
                [_("Nhập kho trong kỳ"), figures["received"]],
                [_("Tồn kho hiện tại"), figures["stock"]],
                *[[_("Hủy: %(reason)s") % {"reason": w["reason"]}, w["doses"]] for w in figures["wastage"]],
            ],
        )
    )
    aefi = figures["aefi"]
    section.statements.append(
        _("Phản ứng sau tiêm trong kỳ: %(total)s báo cáo, %(serious)s trường hợp nghiêm trọng.")
        % {"total": aefi["total"], "serious": aefi["serious"]}
    )
    if figures["flagged_lots"]:
        section.statements.append(
            _("Lô vắc xin có số phản ứng bất thường: %(lots)s.")
            % {"lots": ", ".join(figures["flagged_lots"])}
        )
    return section
