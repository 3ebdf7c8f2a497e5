"""The vaccination platform's figures on the public dashboard (docs/dashboard.md, "Sections"):
plain data the dashboard suppresses and lays out (``dashboard.plugins``); nothing here imports it.

Doses today, in the last 7 days and per day (the roll-up, ``selectors.dose_stats``); coverage of
the 18+, 50+ and 65+ populations — one dose, full primary series, booster — for the province and
per reporting unit (``selectors.coverage_counts``). A share is published only when the count
behind it is (with the population public, the share would give the count back).
"""

import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from core import selectors as core_selectors
from vaccination import selectors

GROUPS = ("18", "50", "65")
MILESTONES = ("first", "full", "booster")
# Age bands of the roll-up in each group, and the band that a group adds to the next one.
BANDS = selectors.AGE_GROUPS
GROUP_LABELS = {
    "18": gettext_noop("Từ 18 tuổi"),
    "50": gettext_noop("Từ 50 tuổi"),
    "65": gettext_noop("Từ 65 tuổi"),
}


def _pct(count: int, population: int | None) -> float | None:
    return round(100 * count / population, 1) if population else None


def collect(*, today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    window = settings.PUBLIC_DASHBOARD_DAYS
    days = [today - datetime.timedelta(days=window - 1 - i) for i in range(window)]
    week = [d.isoformat() for d in days[-7:]]
    mapping = core_selectors.reporting_unit_map()
    units = list(core_selectors.reporting_units().order_by("code"))
    code_of = {u.pk: u.code for u in units}
    per_day = dict.fromkeys((d.isoformat() for d in days), 0)
    unit7 = dict.fromkeys(code_of.values(), 0)
    for row in selectors.dose_stats(date_from=days[0], date_to=today):
        day = row["day"].isoformat()
        per_day[day] = per_day.get(day, 0) + row["doses"]
        code = code_of.get(mapping.get(row["unit_id"], -1))
        if day in week and code is not None:
            unit7[code] += row["doses"]
    people: dict[str, dict[str, Any]] = {
        code: {"doses": 0, "first": {}, "full": {}, "booster": {}} for code in unit7
    }
    for unit_id, row in selectors.coverage_counts(until=today).items():
        code = code_of.get(mapping.get(unit_id, -1))
        if code is not None:
            selectors.add_counts(people[code], row)

    cells: dict[str, int] = {f"d:{d}": n for d, n in per_day.items()}
    cells["p7"] = sum(per_day[d] for d in week)
    groups: list[list[Any]] = [["p7", [f"d:{d}" for d in week]], ["p7", [f"u7:{c}" for c in unit7]]]
    hidden: list[str] = []
    derived: dict[str, dict[str, Any]] = {}
    province = core_selectors.province_unit()

    def population(unit: Any, group: str) -> int | None:
        return getattr(unit, f"population_{group}_plus")

    def add_people(suffix: str, counts: dict[str, Any], unit: Any | None) -> None:
        """Cells of one unit's (or the province's) people by group and milestone; the bands
        between groups are hidden cells (18+ = 50+ and the 18–49 band), so no difference of two
        published counts gives a small one back."""
        for m in MILESTONES:
            for group in GROUPS:
                cells[f"c:{group}:{m}:{suffix}"] = sum(counts[m].get(b, 0) for b in BANDS[group])
            for wide, narrow in (("18", "50"), ("50", "65")):
                band = f"b:{wide}-{narrow}:{m}:{suffix}"
                cells[band] = cells[f"c:{wide}:{m}:{suffix}"] - cells[f"c:{narrow}:{m}:{suffix}"]
                hidden.append(band)
                groups.append([f"c:{wide}:{m}:{suffix}", [f"c:{narrow}:{m}:{suffix}", band]])
            for group in GROUPS:
                key = f"c:{group}:{m}:{suffix}"
                pop = population(unit, group) if unit is not None else None
                derived[f"pct:{group}:{m}:{suffix}"] = {"from": [key], "value": _pct(cells[key], pop)}

    rows = []
    for unit in units:
        cells[f"u7:{unit.code}"] = unit7[unit.code]
        add_people(unit.code, people[unit.code], unit)
        rows.append(
            {
                "name": unit.name,
                "code": unit.code,
                "cells": [
                    f"u7:{unit.code}",
                    f"pct:18:first:{unit.code}",
                    f"pct:18:full:{unit.code}",
                    f"pct:18:booster:{unit.code}",
                    f"pct:50:full:{unit.code}",
                    f"pct:65:full:{unit.code}",
                ],
            }
        )
    total: dict[str, Any] = {"doses": 0, "first": {}, "full": {}, "booster": {}}
    for counts in people.values():
        selectors.add_counts(total, counts)
    add_people("p", total, None)
    for m in MILESTONES:
        for group in GROUPS:
            groups.append([f"c:{group}:{m}:p", [f"c:{group}:{m}:{u.code}" for u in units]])
            pop = population(province, group) or sum(population(u, group) or 0 for u in units) or None
            derived[f"pct:{group}:{m}:p"]["value"] = _pct(cells[f"c:{group}:{m}:p"], pop)
        for wide, narrow in (("18", "50"), ("50", "65")):
            groups.append([f"b:{wide}-{narrow}:{m}:p", [f"b:{wide}-{narrow}:{m}:{u.code}" for u in units]])
    return {
        "cells": cells,
        "sensitive": [k for k in cells if k not in set(hidden)],
        "hidden": hidden,
        "groups": groups,
        "derived": derived,
        "tiles": [
            {"label": gettext_noop("Mũi tiêm hôm nay"), "cell": f"d:{today.isoformat()}"},
            {"label": gettext_noop("Mũi tiêm trong 7 ngày"), "cell": "p7"},
            {"label": gettext_noop("Từ 18 tuổi: ít nhất 1 mũi"), "cell": "pct:18:first:p", "suffix": "%"},
            {"label": gettext_noop("Từ 18 tuổi: đủ liều cơ bản"), "cell": "pct:18:full:p", "suffix": "%"},
            {"label": gettext_noop("Từ 18 tuổi: mũi nhắc lại"), "cell": "pct:18:booster:p", "suffix": "%"},
            {"label": gettext_noop("Từ 50 tuổi: đủ liều cơ bản"), "cell": "pct:50:full:p", "suffix": "%"},
            {"label": gettext_noop("Từ 65 tuổi: đủ liều cơ bản"), "cell": "pct:65:full:p", "suffix": "%"},
        ],
        "charts": [
            {
                "key": "doses",
                "title": gettext_noop("Mũi tiêm mỗi ngày trong tỉnh"),
                "days": [d.isoformat() for d in days],
                "cells": [f"d:{d.isoformat()}" for d in days],
                "average": True,
            }
        ],
        "tables": [
            {
                "key": "coverage",
                "title": gettext_noop("Độ bao phủ vắc xin toàn tỉnh (tỷ lệ trên dân số nhóm tuổi)"),
                "columns": [
                    gettext_noop("Nhóm tuổi"),
                    gettext_noop("Ít nhất 1 mũi"),
                    gettext_noop("Đủ liều cơ bản"),
                    gettext_noop("Mũi nhắc lại"),
                ],
                "rows": [
                    {"name": GROUP_LABELS[g], "cells": [f"pct:{g}:{m}:p" for m in MILESTONES]} for g in GROUPS
                ],
            },
            {
                "key": "units",
                "title": gettext_noop("Theo đơn vị (tỷ lệ trên dân số nhóm tuổi)"),
                "columns": [
                    gettext_noop("Đơn vị"),
                    gettext_noop("Mũi tiêm 7 ngày"),
                    gettext_noop("18+: 1 mũi"),
                    gettext_noop("18+: đủ liều"),
                    gettext_noop("18+: nhắc lại"),
                    gettext_noop("50+: đủ liều"),
                    gettext_noop("65+: đủ liều"),
                ],
                "rows": rows,
            },
        ],
    }
