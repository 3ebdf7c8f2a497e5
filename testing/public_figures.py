"""The testing platform's figures on the public dashboard (docs/dashboard.md, "Sections"): plain
data the dashboard suppresses and lays out (``dashboard.plugins``); nothing here imports it.
Read from the testing roll-ups (``selectors.sample_stats``, ``selectors.result_stats``: folded
days from the aggregates, the live days counted), so the refresh stays cheap.

- ``collect_cases``: confirmed cases (counted on the day of the result that confirmed them)
  today, in the last 7 days (today and the six days before, local days), the community cases
  apart (the epidemic level rules count them, docs/domain.md §4), per 100,000 people, per
  reporting unit, and the daily series of the dashboard's window;
- ``collect``: samples taken, results and positive results, the positivity (positive ÷ results),
  the same way.
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


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _units() -> tuple[list[Any], dict[int, str], dict[int, int]]:
    units = list(core_selectors.reporting_units().order_by("code"))
    return units, {u.pk: u.code for u in units}, core_selectors.reporting_unit_map()


def collect_cases(*, today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    days = _window(today)
    week = {d.isoformat() for d in days[-7:]}
    units, code_of, mapping = _units()
    per_day = dict.fromkeys((d.isoformat() for d in days), 0)
    unit7 = {u.code: [0, 0] for u in units}  # [community, other] in the last 7 days
    for row in selectors.result_stats(date_from=days[0], date_to=today):
        if not row["cases"]:
            continue
        day = row["day"].isoformat()
        per_day[day] += row["cases"]
        code = code_of.get(mapping.get(row["unit_id"], -1))
        if day in week and code is not None:
            unit7[code][0 if row["setting"] == Setting.COMMUNITY else 1] += row["cases"]
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


def collect(*, today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    """Samples taken (tests), results, positive results and positivity: today, in 7 days, per day
    and per reporting unit."""
    days = _window(today)
    keys = [d.isoformat() for d in days]
    week = keys[-7:]
    units, code_of, mapping = _units()
    samples = dict.fromkeys(keys, 0)
    results = dict.fromkeys(keys, 0)
    positive = dict.fromkeys(keys, 0)
    unit7 = {u.code: [0, 0, 0] for u in units}  # samples, results, positive in the last 7 days
    for row in selectors.sample_stats(date_from=days[0], date_to=today):
        day = row["day"].isoformat()
        samples[day] += row["collected"]
        code = code_of.get(mapping.get(row["unit_id"], -1))
        if day in week and code is not None:
            unit7[code][0] += row["collected"]
    for row in selectors.result_stats(date_from=days[0], date_to=today):
        day = row["day"].isoformat()
        results[day] += row["results"]
        positive[day] += row["positive"]
        code = code_of.get(mapping.get(row["unit_id"], -1))
        if day in week and code is not None:
            unit7[code][1] += row["results"]
            unit7[code][2] += row["positive"]

    cells: dict[str, int] = {}
    hidden: list[str] = []
    groups: list[list[Any]] = []
    derived: dict[str, dict[str, Any]] = {}
    for day in keys:
        cells[f"s:{day}"] = samples[day]
        cells[f"r:{day}"] = results[day]
        cells[f"p:{day}"] = positive[day]
        cells[f"n:{day}"] = results[day] - positive[day]  # not positive: never published
        hidden.append(f"n:{day}")
        groups.append([f"r:{day}", [f"p:{day}", f"n:{day}"]])
        derived[f"pp:{day}"] = {"from": [f"p:{day}", f"r:{day}"], "value": _pct(positive[day], results[day])}
    for measure in ("s", "r", "p", "n"):
        cells[f"{measure}7"] = sum(cells[f"{measure}:{d}"] for d in week)
        groups.append([f"{measure}7", [f"{measure}:{d}" for d in week]])
        groups.append([f"{measure}7", [f"u{measure}7:{c}" for c in unit7]])
    hidden.append("n7")
    groups.append(["r7", ["p7", "n7"]])
    derived["pp7"] = {"from": ["p7", "r7"], "value": _pct(cells["p7"], cells["r7"])}
    rows = []
    for unit in units:
        taken, resulted, found = unit7[unit.code]
        code = unit.code
        cells[f"us7:{code}"], cells[f"ur7:{code}"], cells[f"up7:{code}"] = taken, resulted, found
        cells[f"un7:{code}"] = resulted - found
        hidden.append(f"un7:{code}")
        groups.append([f"ur7:{code}", [f"up7:{code}", f"un7:{code}"]])
        derived[f"upp7:{code}"] = {"from": [f"up7:{code}", f"ur7:{code}"], "value": _pct(found, resulted)}
        rows.append(
            {
                "name": unit.name,
                "code": code,
                "cells": [f"us7:{code}", f"ur7:{code}", f"up7:{code}", f"upp7:{code}"],
            }
        )
    return {
        "cells": cells,
        "sensitive": [k for k in cells if k not in set(hidden)],
        "hidden": hidden,
        "groups": groups,
        "derived": derived,
        "tiles": [
            {"label": gettext_noop("Mẫu xét nghiệm hôm nay"), "cell": f"s:{today.isoformat()}"},
            {"label": gettext_noop("Mẫu xét nghiệm trong 7 ngày"), "cell": "s7"},
            {"label": gettext_noop("Kết quả trong 7 ngày"), "cell": "r7"},
            {"label": gettext_noop("Dương tính trong 7 ngày"), "cell": "p7"},
            {"label": gettext_noop("Tỷ lệ dương tính 7 ngày"), "cell": "pp7", "suffix": "%"},
        ],
        "charts": [
            {
                "key": "samples",
                "title": gettext_noop("Mẫu xét nghiệm mỗi ngày trong tỉnh"),
                "days": keys,
                "cells": [f"s:{d}" for d in keys],
                "average": True,
            },
            {
                "key": "positivity",
                "title": gettext_noop("Tỷ lệ dương tính mỗi ngày, phần trăm"),
                "days": keys,
                "cells": [f"pp:{d}" for d in keys],
                "average": False,
            },
        ],
        "tables": [
            {
                "key": "units",
                "title": gettext_noop("Xét nghiệm 7 ngày theo đơn vị"),
                "columns": [
                    gettext_noop("Đơn vị"),
                    gettext_noop("Mẫu xét nghiệm"),
                    gettext_noop("Kết quả"),
                    gettext_noop("Dương tính"),
                    gettext_noop("Tỷ lệ dương tính, phần trăm"),
                ],
                "rows": rows,
            }
        ],
    }
