"""The administrative units as the address selects need them, held in each process.

The visitor's form offers the provinces, the districts of the chosen province and the wards of
the chosen district, and checks that each choice belongs to the one above it. Read from the
database, that is four queries per check-in (three lists and the chosen ward) for a list that
changes a few times a decade. The directory loads the active list once (one query, in
Vietnamese order) and answers from memory.

Freshness: ``core.services.units_load`` (the only writer of names and parents) calls
``changed()``, which drops this process's copy and bumps a version in the shared cache; other
processes compare that version at most every ``UNIT_DIRECTORY_CHECK_SECONDS`` (30 s) and
reload when it moved. A cache that cannot be reached keeps the copy held (units do not change
during an outage).
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.models import AdministrativeUnit

logger = logging.getLogger(__name__)

VERSION_KEY = "core:unit-directory:version"


@dataclass(frozen=True)
class Directory:
    scheme: str
    version: object
    # parent id (None for the provinces) -> [(id, name)] in Vietnamese order
    children: dict[int | None, list[tuple[int, str]]]
    units: dict[int, AdministrativeUnit]

    def get(self, pk: int | None, level: str | None = None) -> AdministrativeUnit | None:
        unit = self.units.get(pk) if pk is not None else None
        if unit is None or (level is not None and unit.level != level):
            return None
        return unit

    def province(self) -> AdministrativeUnit | None:
        """The portal's province (``PORTAL_PROVINCE_CODE``)."""
        code = str(settings.PROVINCE_CODE).zfill(2)
        return next(
            (self.units[pk] for pk, _ in self.children.get(None, []) if self.units[pk].code == code), None
        )


_lock = threading.Lock()
_held: dict[str, object] = {}


def _load(scheme: str, version: object) -> Directory:
    from core.collation import vi_order

    units = list(AdministrativeUnit.objects.filter(scheme=scheme).order_by(vi_order("name"), "id"))
    children: dict[int | None, list[tuple[int, str]]] = {}
    for unit in units:
        parent = None if unit.level == AdministrativeUnit.Level.PROVINCE else unit.parent_id
        children.setdefault(parent, []).append((unit.pk, unit.name))
    return Directory(scheme, version, children, {u.pk: u for u in units})


def _shared_version() -> object:
    try:
        return cache.get(VERSION_KEY, 0)
    except Exception:  # the cache is down: keep what is held
        logger.warning("unit directory: cache unreachable, keeping the units held", exc_info=True)
        return _held.get("version", 0)


def directory() -> Directory:
    """The active list's units, from memory; reloaded when another process changed them."""
    scheme = settings.ADMIN_UNIT_SCHEME
    now = time.monotonic()
    held = _held.get("directory")
    if isinstance(held, Directory) and held.scheme == scheme:
        checked = _held.get("checked", 0.0)
        if isinstance(checked, float) and now - checked < settings.UNIT_DIRECTORY_CHECK_SECONDS:
            return held
    version = _shared_version()
    with _lock:
        held = _held.get("directory")
        if not (isinstance(held, Directory) and held.scheme == scheme and held.version == version):
            held = _load(scheme, version)
            _held["directory"] = held
            _held["version"] = version
        _held["checked"] = now
    assert isinstance(held, Directory)
    return held


def reset() -> None:
    """Drops this process's copy (the next call reloads)."""
    with _lock:
        _held.clear()


def _announce() -> None:
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("unit directory: could not tell other processes of the change", exc_info=True)


def changed() -> None:
    """Units were written: drop this process's copy now, and tell the other processes once the
    write commits (before, they would reload the old rows under the new version)."""
    from django.db import transaction

    reset()
    transaction.on_commit(_announce)


def _saved(sender: object, **kwargs: object) -> None:
    changed()


def connect() -> None:
    """Single saves and deletes (the admin, the population page, tests) count as changes;
    ``units_load`` bulk-creates and calls ``changed()`` itself."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_saved, sender=AdministrativeUnit, dispatch_uid="unit_directory_save")
    post_delete.connect(_saved, sender=AdministrativeUnit, dispatch_uid="unit_directory_delete")
