"""Small-count suppression for every public output (docs/dashboard.md, "Privacy").

A count below the threshold (``PORTAL_PUBLIC_SUPPRESSION_THRESHOLD``, default 5) is never
published: it reads "< 5" (*primary* suppression). A figure that would give such a count back
by arithmetic — a total minus the other parts — is withheld too (*secondary* suppression,
shown as "*").

The figures of one publication are cells of a ``Disclosure`` and the sums between them are
its groups (``total = part + part + ...``). ``resolve()`` suppresses until no group has
exactly one unknown member that is sensitive: with one unknown, the equation gives it back.
Members that are never published (``hidden``: the check-ins not flagged, say) take part in
the equations as unknowns; they are sensitive only when below the threshold.

Every public output (page, chart, table, JSON, CSV) is written from the resolved cells, so
none of them can show what another hides.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

# What a withheld cell is published as. Numbers are published as ints.
SECONDARY = "*"


def threshold() -> int:
    return int(getattr(settings, "PUBLIC_SUPPRESSION_THRESHOLD", 5))


def below(limit: int) -> str:
    return f"< {limit}"


@dataclass
class _Cell:
    value: int
    hidden: bool = False
    primary: bool = False
    secondary: bool = False

    @property
    def visible(self) -> bool:
        return not (self.hidden or self.primary or self.secondary)


@dataclass
class Disclosure:
    limit: int = field(default_factory=threshold)
    cells: dict[Hashable, _Cell] = field(default_factory=dict)
    groups: list[tuple[Hashable, list[Hashable]]] = field(default_factory=list)
    # Cells to keep visible when another member of the group can be withheld instead (a
    # section's headline figure: community cases rather than all cases).
    keep: set[Hashable] = field(default_factory=set)

    def add(self, key: Hashable, value: int, *, hidden: bool = False) -> None:
        self.cells[key] = _Cell(int(value), hidden=hidden, primary=not hidden and int(value) < self.limit)

    def group(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        """``total`` equals the sum of ``parts`` (all of them cells)."""
        self.groups.append((total, list(parts)))

    def _sensitive(self, cell: _Cell) -> bool:
        return cell.primary or cell.secondary or (cell.hidden and cell.value < self.limit)

    def resolve(self) -> "Disclosure":
        changed = True
        while changed:
            changed = False
            for total, parts in self.groups:
                members = [total, *parts]
                unknown = [k for k in members if not self.cells[k].visible]
                if len(unknown) != 1 or not self._sensitive(self.cells[unknown[0]]):
                    continue
                # Withhold the smallest visible part (it hides the least), else the total; a
                # cell to keep only when nothing else is left.
                candidates = sorted(
                    (k for k in parts if self.cells[k].visible), key=lambda k: self.cells[k].value
                )
                spare = [k for k in candidates if k not in self.keep]
                if spare:
                    victim = spare[0]
                elif self.cells[total].visible and total not in self.keep:
                    victim = total
                else:
                    victim = candidates[0] if candidates else total
                self.cells[victim].secondary = True
                changed = True
        return self

    def published(self, key: Hashable) -> int | str:
        """The cell as published: its value, "< 5", or "*"."""
        cell = self.cells[key]
        if cell.primary:
            return below(self.limit)
        if cell.secondary or cell.hidden:
            return SECONDARY
        return cell.value

    def all_visible(self, keys: Iterable[Hashable]) -> bool:
        return all(self.cells[k].visible for k in keys)


def is_number(cell: object) -> bool:
    return isinstance(cell, int) and not isinstance(cell, bool)
