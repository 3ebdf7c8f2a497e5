"""Daily roll-ups: one mechanism for every category whose figures outlive its rows.

A roll-up counts the rows of one retention category (``core.retention``) per local day
(Asia/Ho_Chi_Minh) at the finest dimension its readers need, into an aggregate model of
the app that registers it (a ``day`` DateField plus the dimension and counts). A periodic
task (``core.tasks.fold_rollups``) folds every finished day in, from a watermark
(``RollupWatermark.next_day``): not a write per source row. The retention purge folds in
before it deletes.

Readers split a period at the watermark (``split``): days before it come from the aggregate,
later days are counted live. The source rows of a day are deleted only after it was folded,
so a day is counted exactly once, live or rolled up, at every moment (also between midnight
and the nightly purge).

Days past retention are never rebuilt: their aggregate rows are their only record. A fold
or a rebuild replaces the rows of days still within retention only (a back-dated entry sends
the watermark back with ``mark_stale``); for earlier days it only adds what is missing.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise

from core import retention
from core.models import RollupWatermark


@dataclass(frozen=True)
class Rollup:
    name: str  # "<app>.<thing>", stable: the watermark row is keyed by it
    label: str | Promise
    model: str  # the aggregate model, "app_label.ModelName", with a ``day`` DateField
    category: str  # the retention category whose rows are counted
    # Aggregate rows (dicts of the model's fields, ``day`` included) for the source rows in [start, end).
    count: Callable[[datetime.datetime, datetime.datetime], Iterable[dict[str, Any]]]
    dimension: str | Promise = ""  # in words, for the retention page ("per checkpoint")

    def get_model(self) -> type[Model]:
        return apps.get_model(self.model)

    def get_category(self) -> retention.Category:
        return retention.get(self.category)


_REGISTRY: dict[str, Rollup] = {}


def register(rollup: Rollup) -> Rollup:
    _REGISTRY[rollup.name] = rollup
    return rollup


def get(name: str) -> Rollup:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no roll-up {name!r}; registered: {sorted(_REGISTRY)}") from None


def rollups() -> list[Rollup]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


# --- reading ----------------------------------------------------------------------------------


def folded_until(name: str) -> datetime.date | None:
    """Every local day before this one is in the aggregate; None: nothing folded yet."""
    return RollupWatermark.objects.filter(name=name).values_list("next_day", flat=True).first()


def state(name: str) -> tuple[datetime.date | None, datetime.datetime | None]:
    """The watermark and when a fold last moved it: a reader that keeps figures of folded days
    (the public dashboard) recounts them when either changed (a back-dated entry refolded)."""
    row = RollupWatermark.objects.filter(name=name).values_list("next_day", "updated_at").first()
    return row if row is not None else (None, None)


DayRange = tuple[datetime.date, datetime.date]


def split(
    name: str, date_from: datetime.date, date_to: datetime.date
) -> tuple[DayRange | None, DayRange | None]:
    """Splits the local days ``date_from``..``date_to`` (inclusive) at the watermark: the part
    read from the aggregate and the part counted live (either may be None)."""
    mark = folded_until(name) or date_from
    one = datetime.timedelta(days=1)
    folded = (date_from, min(date_to, mark - one)) if date_from < mark else None
    live_from = max(date_from, mark)
    return folded, ((live_from, date_to) if live_from <= date_to else None)


# --- writing (called by core.services.rollups and the retention purge) ----------------------


def mark_stale(name: str, day: datetime.date) -> None:
    """A row was written for ``day`` after its day could have been folded (a back-dated
    entry): send the watermark back so the next fold recounts that day. Call it inside the
    writing transaction; it waits for a fold in progress (the watermark's row lock)."""
    RollupWatermark.objects.filter(name=name, next_day__gte=day).update(next_day=day)


def _next_source_day(rollup: Rollup, day: datetime.date | None, until: datetime.date) -> datetime.date:
    """The first local day from ``day`` (None: ever) with a source row, or ``until`` if none before it."""
    category = rollup.get_category()
    rows = category.get_model()._default_manager.all()
    if day is not None:
        rows = rows.filter(**{f"{category.time_field}__gte": retention.local_midnight(day)})
    first = rows.order_by(category.time_field).values_list(category.time_field, flat=True).first()
    if first is None:
        return until
    found = timezone.localdate(first)
    return min(until, found if day is None else max(day, found))


def _fold_day(rollup: Rollup, day: datetime.date, past_retention: bool) -> int:
    model = rollup.get_model()
    start = retention.local_midnight(day)
    rows = [
        model(**row)
        for row in rollup.count(start, retention.local_midnight(day + datetime.timedelta(days=1)))
    ]
    if past_retention:
        # Never rebuilt: keep what is there, add only what is missing.
        model._default_manager.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    else:
        model._default_manager.filter(day=day).delete()
        model._default_manager.bulk_create(rows, batch_size=1000)
    return len(rows)


def fold(rollup: Rollup, until: datetime.date, now: datetime.datetime | None = None) -> dict[str, int]:
    """Folds every local day from the watermark to ``until`` (exclusive) into the aggregate,
    one day per transaction. Returns the days folded and the aggregate rows written."""
    category = rollup.get_category()
    cut = category.cutoff(now)
    cutoff_day = timezone.localdate(cut) if cut is not None else datetime.date.min
    RollupWatermark.objects.get_or_create(name=rollup.name)
    days = written = 0
    while True:
        with transaction.atomic():
            mark = RollupWatermark.objects.select_for_update().get(name=rollup.name)
            if mark.next_day is not None and mark.next_day >= until:
                break
            day = _next_source_day(rollup, mark.next_day, until)
            if mark.next_day is not None:
                # Days skipped for want of source rows have no counts (after a rewind, drop stale
                # ones), but never those past retention.
                rollup.get_model()._default_manager.filter(
                    day__gte=max(mark.next_day, cutoff_day), day__lt=day
                ).delete()
            if day < until:
                written += _fold_day(rollup, day, past_retention=day < cutoff_day)
                days += 1
                day += datetime.timedelta(days=1)
            mark.next_day = day
            mark.save(update_fields=["next_day", "updated_at"])
    return {"days": days, "rows": written}


def rewind(
    rollup: Rollup, since: datetime.date, now: datetime.datetime | None = None
) -> datetime.date | None:
    """Sends the watermark back to ``since`` for a rebuild, but never before the retention
    cut-off: days past it have no rows left to count. Returns the new watermark."""
    cut = rollup.get_category().cutoff(now)
    if cut is not None:
        since = max(since, timezone.localdate(cut))
    RollupWatermark.objects.filter(name=rollup.name, next_day__gt=since).update(next_day=since)
    return folded_until(rollup.name)
