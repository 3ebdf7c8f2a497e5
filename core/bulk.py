"""Many new rows of one model at once, from tuples (the imports' writes, docs/architecture.md).

``bulk_insert(Model, ["sample_id", "outcome", ...], rows)`` stores what
``Model.objects.bulk_create([Model(sample_id=..., outcome=...), ...])`` stores — the fields not
given take their defaults (``auto_now``/``auto_now_add`` and a ``timezone.now`` default take the
batch's time), every value goes through its field's ``get_db_prep_save`` unless already in its
stored form (an encrypted field is encrypted) — and returns the new ids in
the rows' order. On PostgreSQL it writes with ``COPY`` (the ids reserved from the table's
sequence first), without building a model instance per row: for an import of 100,000 rows the
instances and the INSERT statements cost more than the checks (docs/benchmarks.md). Elsewhere
(SQLite in the tests) it is ``bulk_create``. Signals are not sent (``bulk_create`` sends none).
"""

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

CHUNK = 5000
COPY_FROM = 200  # rows: below, one INSERT costs less than reserving ids and a COPY


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    raise TypeError(f"bulk_insert: no COPY form for {type(value).__name__}")


def _plain_types(field: models.Field) -> tuple[type, ...]:
    """The value types ``field.get_db_prep_save`` gives back unchanged on PostgreSQL (checked by
    exact type; any other value, and every other field — an encrypted one, a decimal — goes
    through the field): a few microseconds a value saved on 100,000 rows."""
    kind = type(field)
    if kind in (models.CharField, models.TextField):
        return (str,)
    if kind in (
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
    ):
        return (int,)
    if isinstance(field, models.ForeignKey) and type(field.target_field) in (
        models.AutoField,
        models.BigAutoField,
        models.SmallAutoField,
    ):
        return (int,)
    if kind is models.DateField:
        return (datetime.date,)
    if kind is models.DateTimeField:
        return (datetime.datetime,)  # aware only: see _cell
    return ()


def bulk_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    copy_from: int | None = None,
) -> list[int]:
    """New rows of ``model`` (values in the order of ``fields``, attribute names such as
    ``sample_id``); returns their ids in order. Call inside the caller's transaction. Fewer
    than ``copy_from`` rows (default ``COPY_FROM``; one result entered on the lab page) take
    ``bulk_create``'s one statement rather than the two of COPY."""
    if not rows:
        return []
    if connection.vendor != "postgresql" or len(rows) < (COPY_FROM if copy_from is None else copy_from):
        objs = model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=CHUNK
        )
        return [obj.pk for obj in objs]
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection, looked up once
    opts = model._meta
    pk = opts.pk
    assert pk is not None
    by_name = {f.attname: f for f in opts.concrete_fields}
    given = [by_name[name] for name in fields]
    now = timezone.now()
    # The other fields, as Model.__init__ and pre_save fill them.
    constant: list[tuple[models.Field, Any]] = []
    per_row: list[models.Field] = []
    for f in opts.concrete_fields:
        if f.attname in fields or f is pk:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant.append((f, f.get_db_prep_save(now, db)))
        elif f.has_default() and f.default is timezone.now:
            constant.append((f, f.get_db_prep_save(now, db)))  # the batch's time, as auto_now
        elif f.has_default() and callable(f.default):
            per_row.append(f)
        else:
            constant.append((f, f.get_db_prep_save(f.get_default(), db)))
    auto = {
        i for i, f in enumerate(given) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    plain = [_plain_types(f) for f in given]

    def cell(i: int, field: models.Field, value: Any) -> str:
        if i in auto:
            value = now
        if value is None and field.null:
            return "\\N"
        kind = type(value)
        if kind in plain[i] and (kind is not datetime.datetime or value.tzinfo is not None):
            return _copy_text(value)
        return _copy_text(field.get_db_prep_save(value, db))

    tail = "".join("\t" + _copy_text(value) for _f, value in constant)
    columns = [
        pk.column,
        *(f.column for f in given),
        *(f.column for f in per_row),
        *(f.column for f, _v in constant),
    ]
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        quote = db.ops.quote_name
        statement = f"COPY {quote(opts.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        indexed = list(enumerate(given))
        for start in range(0, len(rows), CHUNK):
            buffer = io.StringIO()
            for n in range(start, min(start + CHUNK, len(rows))):
                row = rows[n]
                cells = [str(ids[n])]
                cells.extend(cell(i, f, row[i]) for i, f in indexed)
                cells.extend(_copy_text(f.get_db_prep_save(f.get_default(), db)) for f in per_row)
                buffer.write("\t".join(cells) + tail + "\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(statement, buffer)
    return ids
