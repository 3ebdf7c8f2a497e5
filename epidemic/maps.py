"""The map of the province's units, drawn on the server (no tiles, no script): a choropleth SVG
from the units' simplified boundaries (``epidemic.geo``), or — for units without one — a grid of
tiles. Pure functions of the figures: the dashboard and the officials' page draw the same map.

Every shape is a link to the unit's page with a ``<title>`` (its name and what it is coloured
by); the SVG is ``role="img"`` with a title and a description, and the page puts the table of the
same figures behind it (the accessible form of the map).
"""

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

# Level 1 green "new normal", 2 yellow, 3 orange, 4 red (docs/domain.md §4); grey: none.
LEVEL_COLOURS = {1: "#2e7d32", 2: "#f2c200", 3: "#ef6c00", 4: "#c62828"}
NO_DATA = "#bdbdbd"
# Rates: the bands of criterion 1, lighter to darker (a sequential scale, colour-blind safe).
RATE_COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#a50f15"]


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    colour: str
    title: str  # what the shape's tooltip and the screen reader say: name and value
    href: str
    polygons: list[Any]  # [[[lon, lat], ...], ...] per polygon (``UnitBoundary.polygons``)


def level_colour(level: int | None) -> str:
    return LEVEL_COLOURS.get(level or 0, NO_DATA)


def rate_colour(rate: Any, thresholds: list[Any]) -> str:
    """A published rate's colour by the bands of criterion 1; withheld ("*", "< 5") or none: grey."""
    if not isinstance(rate, int | float):
        return NO_DATA
    band = sum(1 for t in thresholds if rate >= float(t))
    return RATE_COLOURS[band]


def _bounds(shapes: list[Shape]) -> tuple[float, float, float, float]:
    xs = [p[0] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    ys = [p[1] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def choropleth(
    shapes: list[Shape], *, title: str, description: str, map_id: str = "map", width: int = 480
) -> str:
    """The SVG of ``shapes``: an equirectangular projection scaled by the cosine of the middle
    latitude (right for a province), north up, fitted in ``width``."""
    if not shapes:
        return ""
    west, south, east, north = _bounds(shapes)
    k = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * k, 1e-9), max(north - south, 1e-9)
    pad = 4
    scale = (width - 2 * pad) / span_x
    height = min(int(span_y * scale + 2 * pad), 2 * width)
    scale = min(scale, (height - 2 * pad) / span_y)

    def point(p: list[float]) -> str:
        return f"{pad + (p[0] - west) * k * scale:.1f},{pad + (north - p[1]) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{map_id}-t {map_id}-d" '
        f'width="100%" viewBox="0 0 {width} {height}" class="choropleth">',
        f'<title id="{map_id}-t">{escape(title)}</title><desc id="{map_id}-d">{escape(description)}</desc>',
    ]
    for shape in shapes:
        d = " ".join(
            "M" + " L".join(point(p) for p in ring[:-1]) + "Z" for poly in shape.polygons for ring in poly
        )
        parts.append(
            f'<a href="{escape(shape.href)}"><path d="{d}" fill="{shape.colour}" fill-rule="evenodd" '
            f'stroke="#fff" stroke-width="1"><title>{escape(shape.title)}</title></path></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(kind: str, thresholds: list[Any]) -> list[tuple[str, str]]:
    """(colour, label) pairs of the map's legend."""
    if kind == "rate":
        t = [str(x).removesuffix(".00") for x in thresholds]
        labels = [
            _("Dưới %(a)s") % {"a": t[0]},
            _("%(a)s đến dưới %(b)s") % {"a": t[0], "b": t[1]},
            _("%(a)s đến dưới %(b)s") % {"a": t[1], "b": t[2]},
            _("Từ %(a)s trở lên") % {"a": t[2]},
        ]
        return [
            *zip(RATE_COLOURS, labels, strict=True),
            (NO_DATA, _("Không công bố (số nhỏ) hoặc chưa có dân số")),
        ]
    return [
        (LEVEL_COLOURS[1], _("Cấp 1")),
        (LEVEL_COLOURS[2], _("Cấp 2")),
        (LEVEL_COLOURS[3], _("Cấp 3")),
        (LEVEL_COLOURS[4], _("Cấp 4")),
        (NO_DATA, _("Chưa công bố")),
    ]


def draw(
    units: list[dict[str, Any]],
    *,
    mode: str,
    thresholds: list[Any],
    title: str,
    description: str,
    map_id: str = "map",
) -> dict[str, Any]:
    """The map of ``units`` ({"code", "name", "href", "level", "rate", "polygons" or None}) by
    declared level (``mode="level"``) or by rate (``"rate"``): the SVG of the units with a
    boundary, tiles for the others (all of them when none has one), and the legend."""
    shapes, tiles = [], []
    for unit in units:
        if mode == "rate":
            colour = rate_colour(unit["rate"], thresholds)
            shown = (
                _("%(rate)s ca/100.000 dân") % {"rate": formats.number_format(unit["rate"], 1)}
                if unit["rate"] is not None
                else "—"
            )
        else:
            colour = level_colour(unit["level"])
            shown = _("Cấp %(level)s") % {"level": unit["level"]} if unit["level"] else _("Chưa công bố")
        item = {
            **unit,
            "colour": colour,
            "shown": shown,
            "dark": colour in (LEVEL_COLOURS[1], LEVEL_COLOURS[4], RATE_COLOURS[3]),
        }
        if unit.get("polygons"):
            shapes.append(
                Shape(
                    unit["code"],
                    unit["name"],
                    colour,
                    f"{unit['name']}: {shown}",
                    unit["href"],
                    unit["polygons"],
                )
            )
        else:
            tiles.append(item)
    return {
        "svg": choropleth(shapes, title=title, description=description, map_id=map_id),
        "tiles": tiles,
        "legend": legend(mode, thresholds),
        "mode": mode,
    }
