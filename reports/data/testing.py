"""The epidemic section's testing figures (samples, positivity, turnaround, cases by reporting
unit, pools re-tested), read from the testing roll-ups through ``testing.selectors``
(docs/testing.md "Daily figures")."""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports import formatting
from reports.data.base import ReportContext, SectionData, Table, pct
from testing import selectors
from testing.models import TestKind


def add_testing(ctx: ReportContext, section: SectionData) -> None:
    figures = selectors.report_figures(
        date_from=ctx.period_start, date_to=ctx.period_end, units={u.pk for u in ctx.units}
    )
    empty = dict.fromkeys(("samples", "rejected", "results", "positive", "community", "elsewhere"), 0)
    rows: list[list[Any]] = []
    for unit in ctx.units:
        f = figures["units"].get(unit.pk, empty)
        rows.append(
            [
                unit.name,
                f["samples"],
                f["rejected"],
                f["results"],
                f["positive"],
                pct(f["positive"], f["results"]),
                f["community"],
                f["elsewhere"],
            ]
        )
    totals = [sum(r[i] for r in rows) for i in range(1, 8) if i != 5]
    samples, rejected, results, positive, community, elsewhere = totals
    section.facts.update(testing_samples=samples, testing_positive=positive, cases_community=community)
    section.highlights.append(
        _(
            "%(samples)s mẫu xét nghiệm được lấy, %(results)s kết quả, %(positive)s dương tính "
            "(%(rate)s%%); %(cases)s ca bệnh mới, %(community)s trong cộng đồng."
        )
        % {
            "samples": formatting.thousands(samples),
            "results": formatting.thousands(results),
            "positive": formatting.thousands(positive),
            "rate": formatting.one_decimal(pct(positive, results) or 0.0),
            "cases": formatting.thousands(community + elsewhere),
            "community": formatting.thousands(community),
        }
    )
    section.tables.append(
        Table(
            key="testing_by_unit",
            title=_("Xét nghiệm và ca bệnh mới theo địa bàn"),
            headers=[
                _("Địa bàn"),
                _("Mẫu đã lấy"),
                _("Mẫu bị từ chối"),
                _("Kết quả"),
                _("Dương tính"),
                _("Tỷ lệ dương tính (%)"),
                _("Ca mới trong cộng đồng"),
                _("Ca mới nơi khác"),
            ],
            rows=[
                *rows,
                [
                    _("Tổng"),
                    samples,
                    rejected,
                    results,
                    positive,
                    pct(positive, results),
                    community,
                    elsewhere,
                ],
            ],
            chart_column=1,
            idle_rows={i for i, r in enumerate(rows) if not r[1] and not r[3]},
            note=_(
                "Mẫu tính theo ngày lấy mẫu, kết quả và ca bệnh theo ngày có kết quả; địa bàn là địa bàn "
                "của điểm lấy mẫu. Mỗi người trong mẫu gộp âm tính là một kết quả âm tính; ca bệnh "
                '"nơi khác": khu cách ly, phong tỏa, nhập cảnh, cơ sở y tế.'
            ),
        )
    )
    section.tables.append(_turnaround_table(figures["turnaround"]))
    section.tables.append(_pools_table(figures["pools"]))
    section.tables.append(_daily_table(ctx, figures["days"]))


def _turnaround_table(turnaround: dict[str, dict[str, Any]]) -> Table:
    labels = [
        (TestKind.RT_PCR, TestKind.RT_PCR.label),
        (TestKind.ANTIGEN, TestKind.ANTIGEN.label),
        ("", _("Tổng")),
    ]
    return Table(
        key="testing_turnaround",
        title=_("Thời gian trả kết quả (từ lấy mẫu đến có kết quả)"),
        headers=[
            _("Loại xét nghiệm"),
            _("Số kết quả"),
            _("Trung bình (giờ)"),
            _("Trung vị trong khoảng (giờ)"),
            _("Trong 24 giờ (%)"),
        ],
        rows=[
            [
                str(label),
                turnaround[kind]["results"],
                turnaround[kind]["mean_hours"],
                turnaround[kind]["median_range"],
                turnaround[kind]["within_24h_pct"],
            ]
            for kind, label in labels
        ],
        note=_(
            "Thời gian được đếm theo khoảng (dưới 6, 6–12, 12–24, 24–48, 48–72, từ 72 giờ): trung vị là "
            "khoảng chứa nó; trung bình và tỷ lệ trong 24 giờ là số chính xác."
        ),
    )


def _pools_table(pools: dict[str, int]) -> Table:
    return Table(
        key="testing_pools",
        title=_("Mẫu gộp, mẫu lấy lại"),
        headers=[_("Nội dung"), _("Số")],
        rows=[
            [_("Mẫu gộp (theo ngày lấy mẫu)"), pools["pools"]],
            [_("Mẫu gộp âm tính"), pools["pools_negative"]],
            [_("Mẫu gộp dương tính hoặc không xác định: xét nghiệm lại từng người"), pools["pools_retest"]],
            [_("Người trong các mẫu gộp đó"), pools["members_retest"]],
            [_("Mẫu đơn lấy lại cho người trong mẫu gộp dương tính"), pools["retests_pool"]],
            [_("Kết quả của các mẫu lấy lại đó"), pools["retest_results"]],
            [_("… trong đó dương tính"), pools["retest_positive"]],
            [_("Kết quả âm tính theo mẫu gộp"), pools["by_pool"]],
            [_("Mẫu bị từ chối"), pools["rejected"]],
            [_("Mẫu lấy lại sau mẫu bị từ chối"), pools["retests_rejected"]],
        ],
    )


def _daily_table(ctx: ReportContext, days: dict[Any, dict[str, int]]) -> Table:
    import datetime

    rows: list[list[Any]] = []
    day = ctx.period_start
    while day <= ctx.period_end:
        f = days.get(day, {"samples": 0, "results": 0, "positive": 0})
        rows.append(
            [
                date_format(day, "d/m"),
                f["samples"],
                f["results"],
                f["positive"],
                pct(f["positive"], f["results"]),
            ]
        )
        day += datetime.timedelta(days=1)
    return Table(
        key="testing_daily",
        title=_("Xét nghiệm theo ngày"),
        headers=[_("Ngày"), _("Mẫu đã lấy"), _("Kết quả"), _("Dương tính"), _("Tỷ lệ dương tính (%)")],
        rows=rows,
        chart_column=2,
        series=True,
    )
