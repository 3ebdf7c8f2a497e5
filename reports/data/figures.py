"""Checkpoint figures several sections share, read once per report from the checkpoints
and core selectors."""

from typing import Any

from checkpoints import selectors as cp_selectors
from core import selectors as core_selectors
from reports.data.base import ReportContext


def checkpoint_figures(ctx: ReportContext) -> dict[str, Any]:
    """Checkpoints and scans of the period per reporting unit and per organization (once per report)."""
    if "checkpoints" not in ctx.shared:
        ctx.shared["checkpoints"] = _collect_checkpoint_figures(ctx)
    return ctx.shared["checkpoints"]


def _collect_checkpoint_figures(ctx: ReportContext) -> dict[str, Any]:
    unit_of = core_selectors.reporting_unit_map()
    wanted = {u.pk for u in ctx.units}
    points = {p["id"]: p for p in cp_selectors.checkpoints_registered_before(ctx.end)}
    points = {pk: p for pk, p in points.items() if unit_of.get(p["unit_id"]) in wanted}
    silent = cp_selectors.silent_checkpoint_ids(now=ctx.end, among=points)
    totals = cp_selectors.checkin_totals(date_from=ctx.period_start, date_to=ctx.period_end)
    scans = {pk: counts for pk, counts in totals.items() if pk in points}
    return {"unit_of": unit_of, "points": points, "silent": silent, "scans": scans}
