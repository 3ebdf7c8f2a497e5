"""The level rules on the boundary values of each criterion (docs/epidemic.md)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from epidemic.models import LevelRules
from epidemic.rules import Figures, assess, level_by_rate

RULES = LevelRules()  # the defaults: 20 / 50 / 150; 70 % and 80 %; capacity checks


def figures(cases=0, population=100_000, adult="70", older="80", level="district", capacity=None):
    return Figures(
        unit_level=level,
        population=population,
        cases=cases,
        adult_first_pct=None if adult is None else Decimal(adult),
        older_full_pct=None if older is None else Decimal(older),
        capacity=capacity,
    )


@pytest.mark.parametrize(
    ("cases", "level"),
    [(0, 1), (19, 1), (20, 2), (49, 2), (50, 3), (149, 3), (150, 4), (10_000, 4)],
)
def test_criterion_1_on_its_thresholds(cases, level):
    """Per 100,000: below 20 level 1; 20 (exactly) is level 2; 50 is 3; 150 is 4."""
    assert level_by_rate(cases, 100_000, RULES) == level
    assert assess(figures(cases), RULES).level == level


def test_criterion_1_is_compared_exactly_not_after_rounding():
    # 3 cases in 15,001 people: 19.9987 per 100,000 — rounds to 20.00 but is below 20.
    result = assess(figures(3, population=15_001), RULES)
    assert result.rate == Decimal("20.00")
    assert result.level == 1
    assert assess(figures(3, population=15_000), RULES).level == 2  # exactly 20


@pytest.mark.parametrize(
    ("adult", "older", "level"),
    [("70", "80", 1), ("69.9", "80", 2), ("70", "79.9", 2), ("100", "100", 1), ("0", "0", 2)],
)
def test_criterion_2_raises_by_one_below_either_share(adult, older, level):
    result = assess(figures(0, adult=adult, older=older), RULES)
    assert result.level == level
    coverage = result.reasons[1]
    assert coverage["criterion"] == "coverage" and coverage["effect"] == level - 1


def test_unknown_coverage_does_not_move_the_level_and_says_so():
    result = assess(figures(0, adult=None), RULES)
    assert result.level == 1 and result.coverage_met is None


def _capacity(**kw):
    fields = dict.fromkeys(
        (
            "mobile_stations",
            "care_teams",
            "beds",
            "beds_occupied",
            "icu_beds",
            "icu_occupied",
            "oxygen_sufficient",
        )
    )
    return SimpleNamespace(**(fields | kw))


@pytest.mark.parametrize(
    ("occupied", "level"),
    [(80, 1), (81, 2)],  # 80 % of beds in use is within the 80 % maximum; 81 % is not
)
def test_criterion_3_bed_occupancy_boundary(occupied, level):
    assert assess(figures(0, capacity=_capacity(beds=100, beds_occupied=occupied)), RULES).level == level


@pytest.mark.parametrize(("icu", "level"), [(4, 1), (3, 2)])
def test_criterion_3_icu_beds_per_100k_at_province_level(icu, level):
    cap = _capacity(icu_beds=icu)
    assert assess(figures(0, level="province", capacity=cap), RULES).level == level
    # ICU beds are a provincial check: a district's entry does not use them.
    assert assess(figures(0, level="district", capacity=cap), RULES).level == 1


@pytest.mark.parametrize(("stations", "level"), [(1, 1), (0, 2)])
def test_criterion_3_ward_needs_a_mobile_station(stations, level):
    assert (
        assess(figures(0, level="ward", capacity=_capacity(mobile_stations=stations)), RULES).level == level
    )


def test_oxygen_shortage_raises_and_no_capacity_entry_does_not():
    assert assess(figures(0, capacity=_capacity(oxygen_sufficient=False)), RULES).level == 2
    assert assess(figures(0, capacity=_capacity(oxygen_sufficient=True)), RULES).level == 1
    result = assess(figures(0), RULES)
    assert result.level == 1 and result.capacity_met is None


def test_raises_add_up_and_stop_at_4():
    bad = _capacity(oxygen_sufficient=False)
    assert assess(figures(20, adult="10", capacity=bad), RULES).level == 4  # 2 + 1 + 1
    result = assess(figures(150, adult="10", capacity=bad), RULES)
    assert result.level == 4
    assert [r.get("effect") for r in result.reasons[1:]] == [0, 0]  # nothing above 4


def test_no_population_no_level():
    result = assess(figures(5, population=None), RULES)
    assert result.level is None and result.reasons[0]["rate"] is None


def test_thresholds_are_data():
    stricter = LevelRules(rate_level2=Decimal(10), rate_level3=Decimal(30), rate_level4=Decimal(100))
    assert assess(figures(10), stricter).level == 2
    assert assess(figures(10), RULES).level == 1
