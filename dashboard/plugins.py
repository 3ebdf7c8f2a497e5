"""A plug-in section's figures made public: the *cells* of its ``collect`` (counts and the
figures derived from them), its sums between cells (*groups*), suppressed together
(``dashboard.privacy``), then laid out as tiles, daily charts and tables.

What a platform's ``collect(*, today, now)`` returns — plain data, nothing imports the dashboard::

    {
        "cells": {"cases:2026-11-25": 3, "cases7:405": 12, ...},   # raw counts
        "sensitive": ["cases:2026-11-25", ...],   # counts of people's records (suppressed < 5)
        "hidden": ["other7:405"],                 # never published, part of the equations
        "keep": ["community7:405"],               # withhold another member of a sum first
        "groups": [["cases7:p", ["cases7:405", "cases7:382"]], ...],   # total = sum of parts
        "derived": {"rate7:405": {"from": ["cases7:405"], "value": 12.3}},   # withheld with its sources
        "tiles": [{"label": "Ca mắc hôm nay", "cell": "cases:2026-11-25", "suffix": ""}],
        "charts": [{"key": "cases", "title": "…", "days": ["2026-10-27", …], "cells": [...],
                    "average": True}],
        "tables": [{"key": "units", "title": "…", "columns": ["Đơn vị", …], "rows": [
            {"name": "Huyện Đông Sơn", "code": "405", "cells": ["cases7:405", "rate7:405"]}]}],
        "extra": {...},   # anything public that is not a figure of people (places, decisions)
    }

(labels and titles: Vietnamese msgids of the app's catalog, translated when the page is drawn).
Every output of the section is written from the resolved cells, so none shows what another hides.
"""

from typing import Any

from dashboard.privacy import SECONDARY, Disclosure


def resolve(result: dict[str, Any]) -> dict[str, Any]:
    """The publication of one plug-in section."""
    dis = Disclosure(keep=set(result.get("keep", [])))
    sensitive = set(result.get("sensitive", []))
    hidden = set(result.get("hidden", []))
    cells: dict[str, Any] = result.get("cells", {})
    for key, value in cells.items():
        dis.add(key, int(value), hidden=key in hidden)
        if key not in sensitive and key not in hidden:
            dis.cells[key].primary = False  # places, organizations: no person behind them
    for total, parts in result.get("groups", []):
        dis.group(total, parts)
    dis.resolve()
    derived = result.get("derived", {})

    def published(key: str) -> Any:
        if key in derived:
            spec = derived[key]
            if spec["value"] is None:
                return None
            return spec["value"] if dis.all_visible(spec["from"]) else SECONDARY
        return dis.published(key)

    def average(keys: list[str]) -> list[Any]:
        out: list[Any] = []
        for i in range(len(keys)):
            window = keys[max(0, i - 6) : i + 1]
            if i < 6:
                out.append(None)
            elif dis.all_visible(window):
                out.append(round(sum(dis.cells[k].value for k in window) / 7, 1))
            else:
                out.append(SECONDARY)
        return out

    return {
        "available": True,
        "tiles": [
            {"label": str(t["label"]), "value": published(t["cell"]), "suffix": str(t.get("suffix", ""))}
            for t in result.get("tiles", [])
        ],
        "charts": [
            {
                "key": c["key"],
                "title": str(c["title"]),
                "days": c["days"],
                "values": [published(k) for k in c["cells"]],
                "averages": average(c["cells"]) if c.get("average") else None,
            }
            for c in result.get("charts", [])
        ],
        "tables": [
            {
                "key": t["key"],
                "title": str(t["title"]),
                "columns": [str(c) for c in t["columns"]],
                "rows": [
                    {
                        "name": r["name"],
                        "code": r.get("code", ""),
                        "values": [published(k) for k in r["cells"]],
                    }
                    for r in t["rows"]
                ],
            }
            for t in result.get("tables", [])
        ],
        "extra": result.get("extra", {}),
    }


def cell_of(section: dict[str, Any], table: str, code: str, column: int) -> Any:
    """A published cell of a section's table (another section drawing the same figure)."""
    for t in section.get("tables", []):
        if t["key"] == table:
            for row in t["rows"]:
                if row["code"] == code:
                    return row["values"][column]
    return None
