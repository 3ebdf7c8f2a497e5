"""The figures of one week's assessment, per unit of the tree (reads only): community cases
(testing), coverage at the week's end (vaccination), the treatment capacity entered, populations
(core) — rolled up from wards to districts and the province."""

import datetime
from decimal import Decimal
from typing import Any

from core.models import AdministrativeUnit
from epidemic import rules, selectors
from epidemic.models import LevelRules


def _roll_up(tree: list[AdministrativeUnit]) -> tuple[dict[int, list[int]], dict[int, dict[str, int | None]]]:
    """For each unit id of the tree, the ids it counts for (itself and its ancestors); and each
    unit's population figures: its own, else the sum of its children's when all have one."""
    by_id = {u.pk: u for u in tree}
    counts_for = {}
    for unit in tree:
        chain: list[int] = []
        node: AdministrativeUnit | None = unit
        while node is not None and node.pk in by_id:
            chain.append(node.pk)
            node = by_id.get(node.parent_id) if node.parent_id else None
        counts_for[unit.pk] = chain
    fields = ("total", "18_plus", "50_plus", "65_plus")
    population: dict[int, dict[str, int | None]] = {}
    children: dict[int, list[int]] = {}
    for unit in tree:
        if unit.parent_id in by_id:
            children.setdefault(unit.parent_id, []).append(unit.pk)
    order = {"ward": 0, "district": 1, "province": 2}
    for unit in sorted(tree, key=lambda u: order.get(u.level, 3)):
        own = {f: getattr(unit, f"population_{f}") for f in fields}
        kids = [population[c] for c in children.get(unit.pk, [])]
        for f in fields:
            if own[f] is None and kids and all(k[f] is not None for k in kids):
                own[f] = sum(k[f] or 0 for k in kids)
        population[unit.pk] = own
    return counts_for, population


def _pct(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def week_figures(week: datetime.date, level_rules: LevelRules) -> dict[int, rules.Figures]:
    """Each unit's figures for the week ``week``..``week + 6`` (local days): community cases
    (testing), coverage at the week's end (vaccination), the capacity entered, populations (core)."""
    from testing import selectors as testing_selectors
    from testing.models import Setting
    from vaccination import selectors as vaccination_selectors

    tree = selectors.unit_tree()
    counts_for, population = _roll_up(tree)
    end = week + datetime.timedelta(days=6)
    cases = dict.fromkeys(counts_for, 0)
    # The testing roll-up: cases per sampling site's unit and setting, on their confirmation day.
    for unit_id, by_setting in testing_selectors.case_counts(date_from=week, date_to=end).items():
        for target in counts_for.get(unit_id, []):
            cases[target] += by_setting.get(Setting.COMMUNITY, 0)
    vaccinated: dict[int, dict[str, Any]] = {}
    for unit_id, row in vaccination_selectors.coverage_counts(until=end).items():
        for target in counts_for.get(unit_id, []):
            vaccinated_row = vaccinated.setdefault(target, {})
            vaccination_selectors.add_counts(vaccinated_row, row)
    older = level_rules.older_age
    older_bands = vaccination_selectors.AGE_GROUPS[older]
    adult_bands = vaccination_selectors.AGE_GROUPS["18"]
    capacity = selectors.capacity_for_week(week)
    out = {}
    for unit in tree:
        pop = population[unit.pk]
        done = vaccinated.get(unit.pk, {})
        first = sum(done.get("first", {}).get(b, 0) for b in adult_bands)
        full = sum(done.get("full", {}).get(b, 0) for b in older_bands)
        out[unit.pk] = rules.Figures(
            unit_level=unit.level,
            population=pop["total"],
            cases=cases[unit.pk],
            adult_first_pct=_pct(first, pop["18_plus"]),
            older_full_pct=_pct(full, pop[f"{older}_plus"]),
            capacity=capacity.get(unit.pk),
        )
    return out
