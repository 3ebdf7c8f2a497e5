"""Section: the epidemic (testing from the testing platform's roll-ups, flagged declarations,
population)."""

from typing import Any

from django.utils.translation import gettext as _

from reports import formatting
from reports.data.base import ReportContext, SectionData, Table, pct
from reports.data.figures import checkpoint_figures
from reports.data.testing import add_testing
from reports.models import Section


def build_epidemic(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.EPIDEMIC, str(Section.EPIDEMIC.label))
    add_testing(ctx, section)
    figures = checkpoint_figures(ctx)
    flagged = {u.pk: [0, 0] for u in ctx.units}
    for pk, point in figures["points"].items():
        counts = figures["scans"].get(pk)
        if counts:
            bucket = flagged[figures["unit_of"][point["unit_id"]]]
            bucket[0] += counts["flagged"]
            bucket[1] += counts["total"]
    flagged_rows: list[list[Any]] = [
        [u.name, flagged[u.pk][0], flagged[u.pk][1], pct(*flagged[u.pk])] for u in ctx.units
    ]
    total_flagged = sum(counts[0] for counts in flagged.values())
    section.highlights.append(
        _("%(flagged)s lượt khai báo y tế tại điểm kiểm dịch có triệu chứng hoặc yếu tố dịch tễ.")
        % {"flagged": formatting.thousands(total_flagged)}
    )
    section.tables.append(
        Table(
            key="flagged_declarations",
            title=_("Khai báo y tế có triệu chứng hoặc yếu tố dịch tễ (tại điểm kiểm dịch)"),
            headers=[_("Địa bàn"), _("Lượt khai báo có dấu hiệu"), _("Tổng lượt khai báo"), _("Tỷ lệ (%)")],
            rows=flagged_rows,
            chart_column=1,
            idle_rows={i for i, r in enumerate(flagged_rows) if not r[2]},
        )
    )
    demo = any(u.population_is_demo for u in ctx.units)
    section.facts["population_is_demo"] = demo
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
            note=_("Số liệu dân số đang là SỐ LIỆU MINH HỌA, không phải số liệu thật.") if demo else "",
        )
    )
    return section
