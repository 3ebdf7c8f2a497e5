"""The dashboard's figures: counted from the roll-ups (folded days) and the live part of the
window (today, and any day the roll-up has not folded yet), then made public.

``collect_base`` gives the raw counts of the folded days (kept in the snapshot so that the next
refresh recounts only the live days: the incremental refresh); ``build_public`` adds the live
days and returns the publication, with every small count suppressed (``dashboard.privacy``).
Only the publication is ever served. Reads go through the other apps' selectors.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from checkpoints import selectors as cp_selectors
from core import selectors as core_selectors
from dashboard import places, sections
from dashboard.privacy import Disclosure

MEASURES = ("c", "f", "n")  # check-ins, flagged check-ins, not flagged (never published)
ONE = datetime.timedelta(days=1)


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The local days the dashboard shows: the last ``PUBLIC_DASHBOARD_DAYS`` ending today."""
    return today - datetime.timedelta(days=settings.PUBLIC_DASHBOARD_DAYS - 1), today


def week_start(today: datetime.date) -> datetime.date:
    """This week: Monday to today (local days)."""
    return today - datetime.timedelta(days=today.weekday())


def _units() -> list[dict[str, Any]]:
    return [
        {"id": u.pk, "code": u.code, "name": u.name}
        for u in core_selectors.reporting_units().order_by("code")
    ]


def _add_rows(
    counts: dict[str, dict[str, list[int]]],
    last_day: dict[str, str],
    rows: Iterable[dict[str, Any]],
    unit_of_point: dict[int, int],
) -> None:
    """Adds checkin_stats rows (per checkpoint and day) into per-unit, per-day counts."""
    for row in rows:
        unit_id = unit_of_point.get(row["checkpoint_id"])
        day = row["day"].isoformat()
        total, flagged = row["total"] or 0, row["flagged"] or 0
        if unit_id is not None:
            cell = counts.setdefault(str(unit_id), {}).setdefault(day, [0, 0])
            cell[0] += total
            cell[1] += flagged
        if total:
            key = str(row["checkpoint_id"])
            last_day[key] = max(last_day.get(key, day), day)


def _points(now: datetime.datetime) -> tuple[list[dict[str, Any]], dict[int, int]]:
    unit_map = core_selectors.reporting_unit_map()
    points = cp_selectors.checkpoints_registered_before(now)
    return points, {p["id"]: unit_map[p["unit_id"]] for p in points if p["unit_id"] in unit_map}


def collect_base(today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    """Raw counts of the window's folded days, read from the roll-up's aggregate only."""
    date_from, _date_to = window(today)
    mark, _moved_at = cp_selectors.checkin_rollup_state()
    base: dict[str, Any] = {
        "window_from": date_from.isoformat(),
        "rollup": _stamp(),
        "folded_until": mark.isoformat() if mark else None,
        "counts": {},
        "last_day": {},
    }
    if mark is not None and mark > date_from:
        _points_list, unit_of = _points(now)
        rows = cp_selectors.checkin_stats(user=None, date_from=date_from, date_to=min(mark - ONE, today))
        _add_rows(base["counts"], base["last_day"], rows, unit_of)
    return base


def base_is_current(base: dict[str, Any] | None, today: datetime.date) -> bool:
    """The kept counts of folded days still hold: same window start, same watermark."""
    if not base:
        return False
    return base.get("window_from") == window(today)[0].isoformat() and base.get("rollup") == _stamp()


def _stamp() -> list[str | None]:
    """The roll-up's watermark and the time a fold last moved it: when either changed, folded
    days may hold other counts (a back-dated entry refolded) and are read again."""
    mark, moved_at = cp_selectors.checkin_rollup_state()
    return [mark.isoformat() if mark else None, moved_at.isoformat() if moved_at else None]


def build_public(base: dict[str, Any], today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    """The publication: the kept folded counts plus the live days, suppressed."""
    date_from, date_to = window(today)
    days = [date_from + ONE * i for i in range((date_to - date_from).days + 1)]
    day_keys = [d.isoformat() for d in days]
    points, unit_of = _points(now)
    counts = {u: {d: list(v) for d, v in per_day.items()} for u, per_day in base["counts"].items()}
    last_day = dict(base["last_day"])
    folded_until = base["folded_until"]
    live_from = max(date_from, datetime.date.fromisoformat(folded_until)) if folded_until else date_from
    if live_from <= date_to:
        _add_rows(
            counts,
            last_day,
            cp_selectors.checkin_stats(user=None, date_from=live_from, date_to=date_to),
            unit_of,
        )
    units = _units()
    week = [k for k in day_keys if k >= week_start(today).isoformat()]

    # --- suppression: every count a cell, every sum a group ------------------------------
    dis = Disclosure()
    for unit in units:
        per_day = counts.get(str(unit["id"]), {})
        for key in day_keys:
            total, flagged = per_day.get(key, [0, 0])
            dis.add(("u", unit["id"], key, "c"), total)
            dis.add(("u", unit["id"], key, "f"), flagged)
            dis.add(("u", unit["id"], key, "n"), total - flagged, hidden=True)
        for m in MEASURES:
            dis.add(
                ("uw", unit["id"], m),
                sum(dis.cells[("u", unit["id"], k, m)].value for k in week),
                hidden=m == "n",
            )
            dis.group(("uw", unit["id"], m), [("u", unit["id"], k, m) for k in week])
        for key in day_keys:
            dis.group(("u", unit["id"], key, "c"), [("u", unit["id"], key, "f"), ("u", unit["id"], key, "n")])
        dis.group(("uw", unit["id"], "c"), [("uw", unit["id"], "f"), ("uw", unit["id"], "n")])
    ids = [u["id"] for u in units]
    for key in day_keys:
        for m in MEASURES:
            dis.add(("p", key, m), sum(dis.cells[("u", i, key, m)].value for i in ids), hidden=m == "n")
            dis.group(("p", key, m), [("u", i, key, m) for i in ids])
        dis.group(("p", key, "c"), [("p", key, "f"), ("p", key, "n")])
    for m in MEASURES:
        dis.add(("pw", m), sum(dis.cells[("p", k, m)].value for k in week), hidden=m == "n")
        dis.group(("pw", m), [("uw", i, m) for i in ids])
        dis.group(("pw", m), [("p", k, m) for k in week])
    dis.group(("pw", "c"), [("pw", "f"), ("pw", "n")])
    dis.resolve()

    def series(prefix: tuple[Any, ...], m: str) -> list[int | str]:
        return [dis.published((*prefix, k, m)) for k in day_keys]

    def average(prefix: tuple[Any, ...]) -> list[float | str | None]:
        """7-day average of check-ins; withheld when any day of its window is."""
        out: list[float | str | None] = []
        for i in range(len(day_keys)):
            if i < 6:
                out.append(None)  # the window starts before the series
                continue
            keys = [(*prefix, k, "c") for k in day_keys[i - 6 : i + 1]]
            if dis.all_visible(keys):
                out.append(round(sum(dis.cells[k].value for k in keys) / 7, 1))
            else:
                out.append("*")
        return out

    # --- checkpoints: active / silent per unit (places, not people: not suppressed) ------
    silent_days = settings.SILENT_CHECKPOINT_DAYS
    silent_from = (today - datetime.timedelta(days=silent_days - 1)).isoformat()
    approved_before = now - datetime.timedelta(days=silent_days)
    active = dict.fromkeys(ids, 0)
    silent = dict.fromkeys(ids, 0)
    for point in points:
        unit_id = unit_of.get(point["id"])
        if unit_id is None or not point["approved"]:
            continue
        if last_day.get(str(point["id"]), "") >= silent_from:
            active[unit_id] += 1
        elif point["decided_at"] and point["decided_at"] < approved_before:
            silent[unit_id] += 1
        else:
            active[unit_id] += 1  # approved too recently to be called silent

    today_key = today.isoformat()
    public_units = [
        {
            "code": unit["code"],
            "name": unit["name"],
            "checkins_today": dis.published(("u", unit["id"], today_key, "c")),
            "checkins_week": dis.published(("uw", unit["id"], "c")),
            "flagged_week": dis.published(("uw", unit["id"], "f")),
            "checkpoints_active": active[unit["id"]],
            "checkpoints_silent": silent[unit["id"]],
            "checkins": series(("u", unit["id"]), "c"),
            "checkins_avg7": average(("u", unit["id"])),
            "flagged": series(("u", unit["id"]), "f"),
        }
        for unit in units
    ]
    return {
        "computed_at": now.isoformat(),
        "today": today_key,
        "week_start": week_start(today).isoformat(),
        "threshold": dis.limit,
        "silent_days": silent_days,
        "days": day_keys,
        "province": {
            "checkins_today": dis.published(("p", today_key, "c")),
            "checkins_week": dis.published(("pw", "c")),
            "flagged_week": dis.published(("pw", "f")),
            "checkpoints_active": sum(active.values()),
            "checkpoints_silent": sum(silent.values()),
            "checkins": series(("p",), "c"),
            "checkins_avg7": average(("p",)),
            "flagged": series(("p",), "f"),
        },
        "units": public_units,
        "adoption": _adoption(today),
        "sections": sections.collect_plugins(today=today, now=now),
        "places": places.collect(today),
    }


def _adoption(today: datetime.date) -> dict[str, Any]:
    """The share of agencies using each platform, from their weekly usage reports (the task
    force's adoption figures). Organizations, not people: not suppressed."""
    from taskforce import selectors as tf_selectors

    # The last finished week: agencies report on the week behind them.
    adoption = tf_selectors.platform_adoption(today - datetime.timedelta(days=7))
    return {
        "available": bool(adoption["expected"]),
        "week_start": adoption["period_start"].isoformat(),
        "expected": adoption["expected"],
        "reported": adoption["reported"],
        "platforms": [
            {"name": p["name"], "using": p["using"], "rate": p["rate"]} for p in adoption["platforms"]
        ],
    }


def local_now() -> datetime.datetime:
    return timezone.localtime()
