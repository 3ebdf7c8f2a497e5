"""The epidemic levels on the public dashboard (docs/dashboard.md, "Sections"): the level the
People's Committee declared for the province and each reporting unit, with its decision number
and date, and the units' simplified boundaries for the map. The computed proposal is never here:
the public sees declared levels only (docs/epidemic.md). Public decisions, no figure of people."""

import datetime
from typing import Any

from core import selectors as core_selectors
from epidemic import selectors


def _declared(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "level": row.level,
        "decision_number": row.decision_number,
        "decision_date": row.decision_date.isoformat(),
        "effective_from": row.effective_from.isoformat(),
    }


def collect(*, today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    province = core_selectors.province_unit()
    units = list(core_selectors.reporting_units().order_by("code"))
    declared = selectors.declared_in_force(today, [province.pk, *(u.pk for u in units)])
    shapes = selectors.boundaries([u.pk for u in units])
    rules = selectors.rules_in_force(today)
    return {
        "extra": {
            "province": _declared(declared.get(province.pk)),
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "declared": _declared(declared.get(u.pk)),
                    "polygons": shapes.get(u.pk),
                }
                for u in units
            ],
            "thresholds": [str(rules.rate_level2), str(rules.rate_level3), str(rules.rate_level4)],
        }
    }
