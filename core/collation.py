"""Vietnamese alphabetical order for lists of names, in one place.

Code-point order puts "Bưu điện" before "Bệnh viện" and every "Đ…" after "Z…". The Vietnamese
alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z of foreign
names in their Latin places); tones only break ties, in the order no tone, huyền, hỏi, ngã,
sắc, nặng (Unicode CLDR's Vietnamese collation, which ICU implements).

- In the database: ``vi_order("name")`` is an ORDER BY expression. On PostgreSQL it uses the ICU
  collation ``vi_vn`` (created by migration ``core.0004_vi_collation``); on SQLite the same name
  is a Python collation registered on every new connection (``register_sqlite_collation``,
  connected in ``CoreConfig.ready``).
- In Python: ``vi_sort_key(text)`` and ``sort_by_name(items)`` for lists built in memory.

Model ``Meta.ordering`` keeps plain ``name`` (an index-friendly default); pages, forms, admin
and selectors that show a list of names order it with ``vi_order``.
"""

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, OrderBy
from django.db.models.functions import Collate

COLLATION = "vi_vn"
POSTGRES_CREATE = f"CREATE COLLATION IF NOT EXISTS {COLLATION} (provider = icu, locale = 'vi-VN')"

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
# Tone marks are secondary differences; breve, circumflex and horn make letters of their own.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_WITH = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}

# Primary weights: separators and punctuation, then digits, then letters, then anything else.
_DIGITS = 1_000
_LETTERS = 2_000
_OTHER = 3_000


def _clusters(text: str) -> list[tuple[str, list[str]]]:
    """(base character, combining marks) pairs of the decomposed text."""
    out: list[tuple[str, list[str]]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out:
            out[-1][1].append(ch)
        else:
            out.append((ch, []))
    return out


@lru_cache(maxsize=65_536)
def vi_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(letters, tones, case): compare the first, then the second, then the third."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for base, marks in _clusters(text):
        lower = base.lower()
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif (lower, mark) in _LETTER_WITH:
                lower = _LETTER_WITH[(lower, mark)]
        if lower in _RANK:
            weight = _LETTERS + _RANK[lower]
        elif lower.isdigit():
            weight = _DIGITS + unicodedata.digit(lower, 0)
        elif lower.isspace() or unicodedata.category(lower)[0] in "PSZC":
            weight = ord(lower) if ord(lower) < _DIGITS else _DIGITS - 1
        else:
            weight = _OTHER + ord(lower)
        primary.append(weight)
        secondary.append(tone)
        tertiary.append(0 if base == base.lower() else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def vi_compare(a: str | None, b: str | None) -> int:
    """A collation function for SQLite: negative, zero or positive."""
    ka, kb = vi_sort_key(a or ""), vi_sort_key(b or "")
    return (ka > kb) - (ka < kb)


T = TypeVar("T")


def sort_by_name(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """Items in Vietnamese order of ``key`` (default: their ``name`` attribute)."""
    get: Callable[[Any], str] = key or (lambda item: item.name)
    return sorted(items, key=lambda item: vi_sort_key(get(item) or ""))


def vi_order(field: str, *, descending: bool = False) -> OrderBy:
    """ORDER BY ``field`` in Vietnamese order: ``qs.order_by(vi_order("name"), "id")``."""
    expression = Collate(F(field), COLLATION)
    return expression.desc() if descending else expression.asc()


def register_sqlite_collation(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite gets ``vi_vn`` as a Python collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, vi_compare)
