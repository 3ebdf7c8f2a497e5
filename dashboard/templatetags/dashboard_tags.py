"""How a published cell reads: numbers with the locale's separators, "< 5" and "*" as they are."""

import datetime
from typing import Any

from django import template
from django.utils import formats

from reports.formatting import format_cell

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    return format_cell(value)[0]


@register.filter
def day_label(value: str) -> str:
    """'2026-12-05' -> '05/12' (short day label of tables and charts)."""
    return formats.date_format(datetime.date.fromisoformat(value), "d/m")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return (mapping or {}).get(key) or {}


@register.simple_tag
def health_chart(chart: dict[str, Any], threshold: int, section: str) -> str:
    """A plug-in section's daily chart (bars, and the 7-day average when it has one), drawn from
    its published cells: the same module and rules as the check-in chart."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    from reports.charts import series_chart

    labels = [day_label(d) for d in chart["days"]]
    svg = series_chart(
        labels,
        chart["values"],
        chart["averages"],
        title=_(chart["title"]),
        chart_id=f"{section}-{chart['key']}",
        description=_(
            "Cột: số mỗi ngày; đường: trung bình 7 ngày. Số liệu chi tiết ở bảng bên dưới biểu đồ."
        ),
        withheld_note=_("□ số nhỏ hơn %(limit)s hoặc bị ẩn") % {"limit": threshold},
    )
    return mark_safe(svg)  # noqa: S308 (built by reports.charts, which escapes every text)


@register.filter
def zip_rows(chart: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(day, value, 7-day average) of a chart, most recent first (its data table)."""
    averages = chart["averages"] or [None] * len(chart["values"])
    return list(zip(chart["days"], chart["values"], averages, strict=True))[::-1]


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.simple_tag
def levels_map(data: dict[str, Any], mode: str) -> dict[str, Any]:
    """The map of the levels section: declared levels, or the community cases per 100,000 of the
    last 7 days as the cases section published them (the same suppressed cells)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from dashboard.plugins import cell_of
    from epidemic import maps

    sections = data.get("sections", {})
    extra = (sections.get("levels") or {}).get("extra") or {}
    cases = sections.get("cases") or {}
    units = []
    for unit in extra.get("units", []):
        rate = cell_of(cases, "units", unit["code"], 3)
        units.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "href": reverse("dashboard:unit", kwargs={"code": unit["code"]}),
                "level": (unit["declared"] or {}).get("level"),
                "rate": rate if is_number(rate) else None,
                "polygons": unit["polygons"],
            }
        )
    titles = {
        "rate": _("Ca mắc tại cộng đồng trong 7 ngày trên 100.000 dân, theo đơn vị"),
        "level": _("Cấp độ dịch đã công bố, theo đơn vị"),
    }
    return maps.draw(
        units,
        mode=mode,
        thresholds=extra.get("thresholds", ["20", "50", "150"]),
        title=titles[mode],
        description=_("Bản đồ các đơn vị của tỉnh; số liệu của bản đồ ở bảng bên dưới."),
        map_id=f"levels-{mode}",
    )


@register.filter
def day_full(value: str) -> str:
    """'2026-12-05' -> '05/12/2026'."""
    return formats.date_format(datetime.date.fromisoformat(value), "d/m/Y")


@register.filter
def unit_cell(section: dict[str, Any], code: str) -> Any:
    """The community cases per 100,000 (7 days) of a unit, as the cases section published it."""
    from dashboard.plugins import cell_of

    return cell_of(section or {}, "units", code, 3)
