"""Boundaries for the map: an uploaded GeoJSON checked, reduced to polygons of rings of
[longitude, latitude], and simplified for the web (Douglas–Peucker, no GIS library).

Accepted: a ``Polygon`` or ``MultiPolygon`` geometry, a ``Feature`` holding one, or a
``FeatureCollection`` whose features all hold one (their polygons are the unit's). Coordinates are
WGS 84 degrees (RFC 7946): longitude first.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Ring = list[list[float]]
Polygon = list[Ring]

MAX_BYTES = 5 * 1024 * 1024
MAX_POINTS = 500_000
DECIMALS = 5  # about a metre: more than a map on a phone can show


def _fail(message: str) -> ValidationError:
    return ValidationError(message, code="geojson")


def parse(raw: bytes | str) -> list[Polygon]:
    """The polygons of an uploaded GeoJSON text, checked; raises ValidationError with a message
    that says what is wrong."""
    if len(raw) > MAX_BYTES:
        raise _fail(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _fail(_("Tệp không phải GeoJSON hợp lệ (lỗi JSON).")) from exc
    if not isinstance(data, dict):
        raise _fail(_("Tệp không phải GeoJSON hợp lệ."))
    geometries = _geometries(data)
    polygons: list[Polygon] = []
    for geometry in geometries:
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "Polygon":
            polygons.append(_polygon(coordinates))
        elif kind == "MultiPolygon":
            if not isinstance(coordinates, list) or not coordinates:
                raise _fail(_("MultiPolygon không có toạ độ."))
            polygons.extend(_polygon(p) for p in coordinates)
        else:
            raise _fail(
                _("Chỉ nhận vùng (Polygon, MultiPolygon), không nhận %(kind)s.") % {"kind": str(kind)[:30]}
            )
    if not polygons:
        raise _fail(_("Tệp không có vùng nào."))
    if sum(len(r) for p in polygons for r in p) > MAX_POINTS:
        raise _fail(_("Ranh giới có quá nhiều điểm (tối đa %(n)s).") % {"n": MAX_POINTS})
    return polygons


def _geometries(data: dict[str, Any]) -> list[dict[str, Any]]:
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise _fail(_("FeatureCollection không có đối tượng nào."))
        return [g for f in features for g in _geometries(f)]
    if kind == "Feature":
        geometry = data.get("geometry")
        if not isinstance(geometry, dict):
            raise _fail(_("Feature không có hình (geometry)."))
        return [geometry]
    return [data]


def _polygon(coordinates: Any) -> Polygon:
    if not isinstance(coordinates, list) or not coordinates:
        raise _fail(_("Vùng không có toạ độ."))
    return [_ring(r) for r in coordinates]


def _ring(ring: Any) -> Ring:
    if not isinstance(ring, list) or len(ring) < 4:
        raise _fail(_("Mỗi đường bao cần ít nhất 4 điểm (điểm đầu lặp lại ở cuối)."))
    points: Ring = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        ):
            raise _fail(_("Toạ độ phải là cặp số [kinh độ, vĩ độ]."))
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise _fail(
                _("Toạ độ [%(lon)s, %(lat)s] nằm ngoài phạm vi kinh độ, vĩ độ (kinh độ đứng trước).")
                % {"lon": position[0], "lat": position[1]}
            )
        points.append([lon, lat])
    if points[0] != points[-1]:
        raise _fail(_("Đường bao chưa khép kín: điểm cuối phải trùng điểm đầu."))
    return points


def _distance2(p: list[float], a: list[float], b: list[float]) -> float:
    """Squared distance from p to the segment a–b (degrees are fine at a province's scale)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return (p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    x, y = a[0] + t * dx, a[1] + t * dy
    return (p[0] - x) ** 2 + (p[1] - y) ** 2


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """The points kept by Douglas–Peucker at ``tolerance`` (iterative: no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            d = _distance2(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index != -1 and worst > limit:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Ring, tolerance: float) -> Ring | None:
    """A closed ring simplified; None when too little is left of it (a tiny hole or islet).
    The ring is cut at its farthest point from the start so both halves keep their shape."""
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    kept = douglas_peucker(ring[: far + 1], tolerance)[:-1] + douglas_peucker(ring[far:], tolerance)
    kept = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in kept]
    deduped = [p for i, p in enumerate(kept) if i == 0 or p != kept[i - 1]]
    return deduped if len(deduped) >= 4 else None


def simplify(polygons: list[Polygon], tolerance: float) -> list[Polygon]:
    """Every ring simplified; a polygon whose outer ring vanishes is dropped, and so are holes
    that vanish. Never empty: the largest polygon is kept at its extremes if nothing else is."""
    out: list[Polygon] = []
    for polygon in polygons:
        outer = simplify_ring(polygon[0], tolerance)
        if outer is None:
            continue
        holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:]) if h is not None]
        out.append([outer, *holes])
    if not out:
        biggest = max(polygons, key=lambda p: len(p[0]))
        out.append([simplify_ring(biggest[0], 0.0) or biggest[0]])
    return out


def count_points(polygons: list[Polygon]) -> int:
    return sum(len(ring) for polygon in polygons for ring in polygon)
