"""Boundaries: what an upload must be, how much simplification keeps, and the map drawn with and
without them."""

import json
import math

import pytest
from django.core.exceptions import ValidationError

from epidemic import geo, maps


def _circle(n=2000, r=0.1, cx=105.8, cy=19.8):
    ring = [
        [cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)] for i in range(n)
    ]
    return [*ring, ring[0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "lỗi JSON"),
        (json.dumps({"type": "Point", "coordinates": [105, 19]}), "Point"),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[105, 19], [106, 19], [105, 19]]]}),
            "ít nhất 4 điểm",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[105, 19], [106, 19], [106, 20], [105, 20]]]}),
            "khép kín",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[19, 105], [19, 106], [20, 106], [19, 105]]]}),
            "ngoài phạm vi",
        ),
        (json.dumps({"type": "FeatureCollection", "features": []}), "không có đối tượng"),
        (json.dumps({"type": "Feature", "geometry": None}), "geometry"),
        (json.dumps({"type": "Polygon", "coordinates": [[["a", 1], [2, 2], [3, 3], ["a", 1]]]}), "cặp số"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_that_says_why(text, message):
    with pytest.raises(ValidationError) as caught:
        geo.parse(text.encode())
    assert message in caught.value.messages[0]


def test_feature_collections_and_multipolygons_are_read():
    square = [[105.7, 19.7], [105.8, 19.7], [105.8, 19.8], [105.7, 19.8], [105.7, 19.7]]
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square]}},
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "MultiPolygon", "coordinates": [[square], [square]]},
            },
        ],
    }
    assert len(geo.parse(json.dumps(data))) == 3


def test_douglas_peucker_keeps_the_shape_with_far_fewer_points():
    polygons = geo.parse(json.dumps({"type": "Polygon", "coordinates": [_circle()]}))
    simplified = geo.simplify(polygons, 0.0005)
    kept = geo.count_points(simplified)
    assert 8 <= kept < 200  # from 2,001
    ring = simplified[0][0]
    assert ring[0] == ring[-1]  # still closed
    # Every kept point lies on the circle (within rounding): nothing is invented.
    assert all(abs(math.hypot(x - 105.8, y - 19.8) - 0.1) < 1e-4 for x, y in ring)


def test_a_straight_run_is_reduced_to_its_ends():
    line = [[105 + i / 100, 19.0] for i in range(11)]
    assert geo.douglas_peucker(line, 0.001) == [line[0], line[-1]]


def test_tiny_holes_vanish_and_the_outer_ring_stays():
    outer = _circle(400, 0.1)
    hole = _circle(40, 0.00001)
    out = geo.simplify([[outer, hole]], 0.0005)
    assert len(out) == 1 and len(out[0]) == 1


def _unit(code, polygons=None, level=None, rate=None):
    return {
        "code": code,
        "name": f"Đơn vị {code}",
        "href": f"/u/{code}/",
        "level": level,
        "rate": rate,
        "polygons": polygons,
    }


def test_the_map_draws_shapes_and_tiles_for_units_without_one():
    square = [[[[105.7, 19.7], [105.8, 19.7], [105.8, 19.8], [105.7, 19.8], [105.7, 19.7]]]]
    drawn = maps.draw(
        [_unit("1", square, level=3), _unit("2")],
        mode="level",
        thresholds=[20, 50, 150],
        title="T",
        description="D",
    )
    assert drawn["svg"].count("<path") == 1 and maps.LEVEL_COLOURS[3] in drawn["svg"]
    assert "<title>Đơn vị 1: Cấp 3</title>" in drawn["svg"] and 'href="/u/1/"' in drawn["svg"]
    assert [t["code"] for t in drawn["tiles"]] == ["2"] and drawn["tiles"][0]["colour"] == maps.NO_DATA
    none = maps.draw(
        [_unit("1"), _unit("2")], mode="level", thresholds=[20, 50, 150], title="T", description="D"
    )
    assert none["svg"] == "" and len(none["tiles"]) == 2


@pytest.mark.parametrize(
    ("rate", "colour"), [(19.9, 0), (20, 1), (49.9, 1), (50, 2), (150, 3), ("*", None), (None, None)]
)
def test_rate_colours_follow_the_bands_of_criterion_1(rate, colour):
    expected = maps.NO_DATA if colour is None else maps.RATE_COLOURS[colour]
    assert maps.rate_colour(rate, ["20", "50", "150"]) == expected
