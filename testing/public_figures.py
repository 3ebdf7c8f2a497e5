"""The testing platform's figures on the public dashboard (docs/dashboard.md, "Sections"): plain
data the dashboard suppresses and lays out (``dashboard.plugins``); nothing here imports it.

``collect_cases``: confirmed cases today, in the last 7 days (today and the six days before, local
days), the community cases apart (the epidemic level rules count them, docs/domain.md §4), per
100,000 people, per reporting unit, and the daily series of the dashboard's window.
"""

import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from core import selectors as core_selectors
from testing import selectors
from testing.models import Setting


def _window(today: datetime.date) -> list[datetime.date]:
    days = settings.PUBLIC_DASHBOARD_DAYS
    return [today - datetime.timedelta(days=days - 1 - i) for i in range(days)]


def _rate(count: int, population: int | None) -> float | None:
    return round(count * 100_000 / population, 1) if population else None


def collect_cases(*, today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    days = _window(today)
    week = {d.isoformat() for d in days[-7:]}
    mapping = core_selectors.reporting_unit_map()
    units = list(core_selectors.reporting_units().order_by("code"))
    code_of = {u.pk: u.code for u in units}
    per_day = dict.fromkeys((d.isoformat() for d in days), 0)
    unit7 = {u.code: [0, 0] for u in units}  # [community, other] in the last 7 days
    for row in selectors.case_counts(date_from=days[0], date_to=today):
        day = row["day"].isoformat()
        per_day[day] += row["cases"]
        code = code_of.get(mapping.get(row["unit_id"], -1))
        if day in week and code is not None:
            unit7[code][0 if row["found_in"] == Setting.COMMUNITY else 1] += row["cases"]
    province = core_selectors.province_unit()
    population = province.population_total or sum(u.population_total or 0 for u in units) or None

    cells: dict[str, int] = {f"d:{d}": n for d, n in per_day.items()}
    cells["p7"] = sum(per_day[d] for d in week)
    cells["pc7"] = sum(c for c, _o in unit7.values())
    cells["po7"] = cells["p7"] - cells["pc7"]
    groups: list[list[Any]] = [
        ["p7", [f"d:{d}" for d in sorted(week)]],
        ["p7", [f"u7:{c}" for c in unit7]],
        ["pc7", [f"uc7:{c}" for c in unit7]],
        ["po7", [f"uo7:{c}" for c in unit7]],
        ["p7", ["pc7", "po7"]],
    ]
    derived = {
        "r7:p": {"from": ["p7"], "value": _rate(cells["p7"], population)},
        "rc7:p": {"from": ["pc7"], "value": _rate(cells["pc7"], population)},
    }
    rows = []
    for unit in units:
        community, other = unit7[unit.code]
        cells[f"u7:{unit.code}"] = community + other
        cells[f"uc7:{unit.code}"] = community
        cells[f"uo7:{unit.code}"] = other
        groups.append([f"u7:{unit.code}", [f"uc7:{unit.code}", f"uo7:{unit.code}"]])
        derived[f"r7:{unit.code}"] = {
            "from": [f"u7:{unit.code}"],
            "value": _rate(community + other, unit.population_total),
        }
        derived[f"rc7:{unit.code}"] = {
            "from": [f"uc7:{unit.code}"],
            "value": _rate(community, unit.population_total),
        }
        rows.append(
            {
                "name": unit.name,
                "code": unit.code,
                "cells": [f"u7:{unit.code}", f"uc7:{unit.code}", f"r7:{unit.code}", f"rc7:{unit.code}"],
            }
        )
    today_key = f"d:{today.isoformat()}"
    return {
        "cells": cells,
        "sensitive": [k for k in cells if not k.startswith("uo7:") and k != "po7"],
        "hidden": ["po7", *[f"uo7:{c}" for c in unit7]],
        # Community cases are criterion 1 of the levels: when a sum must lose a figure, the
        # total of all cases goes before the community part.
        "keep": ["pc7", *[f"uc7:{c}" for c in unit7]],
        "groups": groups,
        "derived": derived,
        "tiles": [
            {"label": gettext_noop("Ca mắc mới hôm nay"), "cell": today_key},
            {"label": gettext_noop("Ca mắc trong 7 ngày"), "cell": "p7"},
            {"label": gettext_noop("Ca tại cộng đồng trong 7 ngày"), "cell": "pc7"},
            {"label": gettext_noop("Ca mắc 7 ngày/100.000 dân"), "cell": "r7:p"},
            {"label": gettext_noop("Ca cộng đồng 7 ngày/100.000 dân"), "cell": "rc7:p"},
        ],
        "charts": [
            {
                "key": "cases",
                "title": gettext_noop("Ca mắc mới mỗi ngày trong tỉnh"),
                "days": [d.isoformat() for d in days],
                "cells": [f"d:{d.isoformat()}" for d in days],
                "average": True,
            }
        ],
        "tables": [
            {
                "key": "units",
                "title": gettext_noop("Ca mắc 7 ngày theo đơn vị"),
                "columns": [
                    gettext_noop("Đơn vị"),
                    gettext_noop("Ca mắc 7 ngày"),
                    gettext_noop("Tại cộng đồng"),
                    gettext_noop("Ca/100.000 dân"),
                    gettext_noop("Ca cộng đồng/100.000 dân"),
                ],
                "rows": rows,
            }
        ],
    }
