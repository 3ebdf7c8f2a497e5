"""The level rules, as pure functions of the figures and the thresholds in force (docs/epidemic.md).

docs/domain.md §4 (Resolution 128/NQ-CP, Decision 4800/QĐ-BYT, October 2021): the level of a unit
is assessed weekly from three criteria —

1. new community cases per 100,000 people in the week: below ``rate_level2`` level 1, from it
   level 2, from ``rate_level3`` level 3, from ``rate_level4`` level 4 (defaults 20, 50, 150);
2. vaccination coverage: people 18+ with at least one dose, and the older group (50+, later 65+)
   with a full primary series; coverage below either share raises the level by
   ``coverage_raise`` (one);
3. treatment capacity: a unit that does not meet it is raised by ``capacity_raise`` (one);

never above level 4. The thresholds are data (``LevelRules``); the ones of criteria 2 and 3 are
**unverified** defaults (docs/epidemic.md says which).

A criterion whose figures are missing does not move the level and says so in the reasons; a unit
without a population gets no level (criterion 1 needs it).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from epidemic.models import LevelRules

WARD, DISTRICT, PROVINCE = "ward", "district", "province"
TOP = 4


@dataclass(frozen=True)
class Figures:
    """What one unit's assessment needs for one week."""

    unit_level: str  # ward, district, province (core.AdministrativeUnit.Level)
    population: int | None
    cases: int  # new community cases in the week
    adult_first_pct: Decimal | None  # 18+ with at least one dose, % of the 18+ population
    older_full_pct: Decimal | None  # the older group with a full primary series, %
    capacity: Any = None  # a TreatmentCapacity (or an object with its fields), or None


@dataclass(frozen=True)
class Result:
    level: int | None
    rate: Decimal | None
    coverage_met: bool | None
    capacity_met: bool | None
    reasons: list[dict[str, Any]]


def rate_per_100k(cases: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return (Decimal(cases) * 100_000 / Decimal(population)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def level_by_rate(cases: int, population: int, rules: LevelRules) -> int:
    """Criterion 1, compared exactly (``cases × 100,000 ≥ threshold × population``): a rate on a
    threshold belongs to the higher level ("from 20": 20 is level 2)."""
    scaled = Decimal(cases) * 100_000
    for level, threshold in ((4, rules.rate_level4), (3, rules.rate_level3), (2, rules.rate_level2)):
        if scaled >= Decimal(threshold) * population:
            return level
    return 1


def coverage_met(figures: Figures, rules: LevelRules) -> bool | None:
    """Criterion 2: both shares at or above their minimum; None when a share is unknown."""
    if figures.adult_first_pct is None or figures.older_full_pct is None:
        return None
    return (
        figures.adult_first_pct >= rules.adult_first_dose_pct
        and figures.older_full_pct >= rules.older_full_pct
    )


def capacity_checks(figures: Figures, rules: LevelRules) -> list[dict[str, Any]]:
    """Criterion 3's checks that apply to the unit's level and whose figure was entered."""
    cap = figures.capacity
    if cap is None:
        return []
    checks: list[dict[str, Any]] = []
    if figures.unit_level == WARD and cap.mobile_stations is not None:
        checks.append(
            {
                "check": "mobile_stations",
                "value": cap.mobile_stations,
                "threshold": rules.ward_mobile_stations_min,
                "met": cap.mobile_stations >= rules.ward_mobile_stations_min,
            }
        )
    if figures.unit_level in (DISTRICT, PROVINCE) and cap.beds and cap.beds_occupied is not None:
        share = (Decimal(cap.beds_occupied) * 100 / cap.beds).quantize(Decimal("0.1"), ROUND_HALF_UP)
        checks.append(
            {
                "check": "bed_occupancy",
                "value": str(share),
                "threshold": str(rules.bed_occupancy_max_pct),
                "met": Decimal(cap.beds_occupied) * 100 <= rules.bed_occupancy_max_pct * cap.beds,
            }
        )
    if figures.unit_level == PROVINCE and cap.icu_beds is not None and figures.population:
        per_100k = rate_per_100k(cap.icu_beds, figures.population)
        checks.append(
            {
                "check": "icu_beds",
                "value": str(per_100k),
                "threshold": str(rules.icu_beds_per_100k_min),
                "met": Decimal(cap.icu_beds) * 100_000 >= rules.icu_beds_per_100k_min * figures.population,
            }
        )
    if (
        rules.oxygen_required
        and figures.unit_level in (DISTRICT, PROVINCE)
        and cap.oxygen_sufficient is not None
    ):
        checks.append(
            {
                "check": "oxygen",
                "value": cap.oxygen_sufficient,
                "threshold": True,
                "met": cap.oxygen_sufficient,
            }
        )
    return checks


def assess(figures: Figures, rules: LevelRules) -> Result:
    """The level of one unit for one week, and the reasons: one entry per criterion with its
    figure, its threshold and the levels it added (``effect``)."""
    rate = rate_per_100k(figures.cases, figures.population)
    reasons: list[dict[str, Any]] = []
    if figures.population is None or rate is None:
        reasons.append({"criterion": "cases", "cases": figures.cases, "rate": None, "effect": None})
        return Result(None, None, None, None, reasons)
    base = level_by_rate(figures.cases, figures.population, rules)
    reasons.append(
        {
            "criterion": "cases",
            "cases": figures.cases,
            "rate": str(rate),
            "thresholds": [str(rules.rate_level2), str(rules.rate_level3), str(rules.rate_level4)],
            "level": base,
        }
    )
    level = base
    covered = coverage_met(figures, rules)
    raise_by = rules.coverage_raise if covered is False else 0
    reasons.append(
        {
            "criterion": "coverage",
            "adult_first_pct": None if figures.adult_first_pct is None else str(figures.adult_first_pct),
            "adult_min": str(rules.adult_first_dose_pct),
            "older_age": rules.older_age,
            "older_full_pct": None if figures.older_full_pct is None else str(figures.older_full_pct),
            "older_min": str(rules.older_full_pct),
            "met": covered,
            "effect": min(TOP, level + raise_by) - level,
        }
    )
    level = min(TOP, level + raise_by)
    checks = capacity_checks(figures, rules)
    capacity = all(c["met"] for c in checks) if checks else None
    raise_by = rules.capacity_raise if capacity is False else 0
    reasons.append(
        {
            "criterion": "capacity",
            "checks": checks,
            "met": capacity,
            "effect": min(TOP, level + raise_by) - level,
        }
    )
    level = min(TOP, level + raise_by)
    return Result(level, rate, covered, capacity, reasons)
