"""The weekly report's per-platform adoption table: which platforms the agencies say they use
(the boxes ticked on their weekly usage reports, ``taskforce.selectors.platform_adoption``)."""

from django.utils.translation import gettext as _

from reports.data.base import SectionData, Table


def add_platform_adoption(section: SectionData, period_start: object) -> None:
    """Appends the table (one row per platform: agencies using it over agencies expected to
    report) and one highlight line naming the most and least used platforms."""
    from taskforce import selectors as tf_selectors

    adoption = tf_selectors.platform_adoption(period_start)  # type: ignore[arg-type]
    expected = adoption["expected"]
    week = f"{adoption['period_start']:%d/%m/%Y}"
    section.tables.append(
        Table(
            key="adoption_by_platform",
            title=_("Nền tảng các cơ quan đang dùng (báo cáo tuần %(start)s)") % {"start": week},
            headers=[
                _("Nền tảng, ứng dụng"),
                _("Cơ quan đang dùng"),
                _("Cơ quan phải báo cáo"),
                _("Tỷ lệ (%)"),
            ],
            rows=[[p["name"], p["using"], expected, p["rate"]] for p in adoption["platforms"]],
            chart_column=1,
            note=_(
                "Theo các ô cơ quan đánh dấu trong báo cáo tuần; %(reported)s/%(expected)s cơ quan đã gửi."
            )
            % {"reported": adoption["reported"], "expected": expected},
        )
    )
    used = [p for p in adoption["platforms"] if p["using"]]
    if not used:
        return
    top = max(used, key=lambda p: p["using"])
    section.highlights.append(
        _("Nền tảng được nhiều cơ quan dùng nhất: %(name)s (%(using)s/%(expected)s cơ quan).")
        % {"name": top["name"], "using": top["using"], "expected": expected}
    )
