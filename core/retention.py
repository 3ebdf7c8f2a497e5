"""What the portal keeps and for how long: one registry of data categories, one cut-off, one purge loop.

Each app declares its categories in its own ``retention.py`` module (discovered when the
``core`` app is ready, like ``admin.py``), by calling ``register(Category(...))``. A category
names its model, the time field its age is read from, the setting that holds its period in
days (or none: kept as a legal record), the legal basis, what is rolled up before its rows
are deleted (a roll-up registered in ``core.rollups``) and its place in the deletion order
(dependents first). ``docs/retention.md`` describes the categories and how to add one.

The cut-off (one definition for every category): rows whose time is before local midnight
(Asia/Ho_Chi_Minh, ``TIME_ZONE``) of *today minus N days* are past retention. A row from
23:59:59 on that earlier day is purged; one from 00:00:00 of the next day is kept. The purge
deletes whole local days, so the daily figures of a day are never half-live.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules


def local_midnight(day: datetime.date) -> datetime.datetime:
    """00:00 of ``day`` in the portal's time zone (Asia/Ho_Chi_Minh)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def cutoff(days: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """Rows before this instant are past a retention of ``days`` days: local midnight of
    today minus ``days`` (today is the local date of ``now``)."""
    today = timezone.localdate(now or timezone.now())
    return local_midnight(today - datetime.timedelta(days=days))


@dataclass(frozen=True)
class Category:
    """One kind of data and how long it is kept."""

    name: str  # "<app>.<thing>", stable: audit rows and docs refer to it
    label: str | Promise
    model: str  # "app_label.ModelName"
    legal_basis: str | Promise
    # True once the task force's legal staff confirmed the basis; the page says "chưa kiểm chứng" otherwise.
    basis_verified: bool = False
    time_field: str = ""
    # Name of the setting holding the period in days; "" means kept as a legal record (never purged).
    period_setting: str = ""
    rolled_up: str | Promise = ""  # what survives the deletion, in words (shown to officials)
    rollup: str = ""  # name of the core.rollups roll-up folded in before rows are deleted
    order: int = 50  # deletion order: lower first; a model referring to another's rows goes first
    audit_action: str = ""  # the purge's audit action, e.g. "checkin.purge"
    # Narrows the rows past the cut-off to those that may go (e.g. people nothing refers to).
    eligible: Callable[[QuerySet], QuerySet] | None = None
    # Runs in each batch's transaction before its rows are deleted (ids of the batch).
    before_delete: Callable[[list[Any]], None] | None = None
    # The key the purge walks forward: the time field (indexed) by default, or "pk".
    walk: str = ""

    @property
    def kept(self) -> bool:
        """Kept as a legal record: no period, never purged."""
        return not self.period_setting

    @property
    def days(self) -> int | None:
        return None if self.kept else int(getattr(settings, self.period_setting))

    def get_model(self) -> type[Model]:
        return apps.get_model(self.model)

    def cutoff(self, now: datetime.datetime | None = None) -> datetime.datetime | None:
        days = self.days
        return None if days is None else cutoff(days, now)


_REGISTRY: dict[str, Category] = {}


def register(category: Category) -> Category:
    """Adds (or replaces, on reload) a category; returns it."""
    if not category.kept and not category.time_field:
        raise ValueError(f"{category.name}: a category with a period needs a time_field")
    _REGISTRY[category.name] = category
    return category


def discover() -> None:
    """Imports every installed app's ``retention`` module (called by ``CoreConfig.ready``)."""
    autodiscover_modules("retention")


def categories() -> list[Category]:
    """Every category with a period in deletion order (dependents first), then those kept."""
    return sorted(_REGISTRY.values(), key=lambda c: (c.kept, c.order, c.name))


def get(name: str) -> Category:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no retention category {name!r}; registered: {sorted(_REGISTRY)}") from None


def expired(category: Category, before: datetime.datetime) -> QuerySet:
    """The rows of ``category`` past ``before`` that may be deleted."""
    qs = category.get_model()._default_manager.filter(**{f"{category.time_field}__lt": before})
    return category.eligible(qs) if category.eligible else qs


def delete_expired(category: Category, before: datetime.datetime, batch: int) -> int:
    """The purge loop: deletes the rows of ``category`` before ``before``, ``batch`` rows per
    short transaction, so writes never wait long behind it. Not one transaction by design: a
    purge of a million rows must not hold locks for minutes.

    It walks the key forward from where the last batch ended (``>=`` on the time field: rows
    sharing the last batch's final instant may remain; ``>`` on the primary key). Restarting
    from the oldest row every batch made each scan step over the index entries of every row
    deleted so far (docs/benchmarks.md, retention purge).
    """
    model = category.get_model()
    walk = category.walk or category.time_field
    after = "gt" if walk == "pk" else "gte"
    rows_to_go = expired(category, before)
    since: Any = None
    deleted = 0
    while True:
        with transaction.atomic():
            qs = rows_to_go if since is None else rows_to_go.filter(**{f"{walk}__{after}": since})
            rows = list(qs.order_by(walk).values_list("pk", walk)[:batch])
            if not rows:
                break
            ids = [pk for pk, _key in rows]
            if category.before_delete:
                category.before_delete(ids)
            model._default_manager.filter(pk__in=ids).delete()
        since = rows[-1][1]
        deleted += len(rows)
    return deleted


def overview() -> list[dict[str, Any]]:
    """What officials see on the retention page: every category in deletion order, its period
    (None: kept as a legal record), cut-off now, and the roll-up that outlives its rows."""
    from core import rollups

    now = timezone.now()
    rows = []
    for category in categories():
        rollup = rollups.get(category.rollup) if category.rollup else None
        rows.append(
            {
                "category": category,
                "days": category.days,
                "cutoff": category.cutoff(now),
                "rollup": rollup,
                "folded_until": rollups.folded_until(rollup.name) if rollup else None,
            }
        )
    return rows
