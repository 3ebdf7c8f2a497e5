"""Imports of CSV and Excel files: the one mechanism every app uses (docs/architecture.md).

An app's import is a django-import-export resource (its admin import with preview, and the same
resource from a management command) whose ``import_data`` takes the set-based path here:

1. the file is read (:func:`read_file`; the admin reads it with import-export's own formats);
2. every row is parsed by the app's parser (:func:`parse_rows`): a cell that cannot be read
   becomes "Dòng N: …", N being the line a spreadsheet shows (the header is line 1);
3. the app's *import service* checks all rows at once (one query per kind of look-up, never
   one per row), and either raises every row's error — nothing stored — or writes them all in
   one transaction with one audit row for the batch, skipping rows already stored unchanged
   (re-importing a file creates no duplicates).

django-import-export's default row-by-row path stays available on the same resource
(``fast = False``): the same parser and the same service, called once per row. The tests prove
both paths store the same rows and give the same errors; ``bench/imports.py`` measures both
against a raw PostgreSQL ``COPY``.
"""

import contextvars
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from import_export.results import Result, RowResult

from core.actors import require_actor
from core.services.people import name_key

T = TypeVar("T")

# The preview shows this many rows; the totals count every row.
PREVIEW_ROWS = 200
# A large file reports its progress every this many rows.
PROGRESS_EVERY = 10_000

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


def line_error(line: int, message: str) -> str:
    """ "Dòng N: …", N the spreadsheet's line (the header is line 1)."""
    return _("Dòng %(n)d: %(error)s") % {"n": line, "error": message}


def repeated_error(line: int, key: str, first: int) -> str:
    return _("Dòng %(n)d: mã %(code)s lặp lại trong tệp (đã có ở dòng %(first)d).") % {
        "n": line,
        "code": key,
        "first": first,
    }


def repeated(keys: Iterable[tuple[int, Hashable]]) -> dict[int, int]:
    """Lines whose key an earlier line already had -> that earlier line."""
    first: dict[Hashable, int] = {}
    again: dict[int, int] = {}
    for line, key in keys:
        if key in first:
            again[line] = first[key]
        else:
            first[key] = line
    return again


def _kind(content: bytes, name: str) -> str:
    """ "csv" or "xlsx" for a file the import reads; anything else is refused in Vietnamese."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("xlsx", "xls"):
        if extension == "xls" or not zipfile.is_zipfile(io.BytesIO(content)):
            raise _not_excel(name)
        return "xlsx"
    if extension == "csv":
        return "csv"
    raise ValidationError(_("Chỉ nhận tệp CSV hoặc Excel (.xlsx)."))


def _not_excel(name: str) -> ValidationError:
    return ValidationError(
        _("Tệp “%(name)s” không phải tệp Excel (.xlsx) đọc được. Không lưu gì.") % {"name": name}
    )


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Tệp CSV phải được lưu với bảng mã UTF-8. Không lưu gì.")) from exc


def read_file(content: bytes, name: str) -> tablib.Dataset:
    """A CSV (UTF-8) or Excel (.xlsx) file as a dataset; anything else is refused in Vietnamese."""
    if _kind(content, name) == "xlsx":
        try:
            return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise _not_excel(name) from exc
    return tablib.Dataset().load(_text(content), format="csv")


def count_rows(content: bytes, name: str) -> int:
    """How many data rows (the header not counted) :func:`read_file` would give, without reading
    a cell: a CSV's records, a workbook's used range as its first sheet declares it (counted row
    by row only when it declares none). Milliseconds where reading takes seconds (an Excel file
    of 100,000 rows: 10 ms against 9 s, docs/benchmarks.md), so the admin decides in the
    request whether a file goes to a worker. Refused as :func:`read_file` refuses."""
    if _kind(content, name) == "csv":
        records = csv.reader(io.StringIO(_text(content)))
        next(records, None)  # the header
        return sum(1 for row in records if row)  # blank lines are no rows
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.active
        rows = sheet.max_row if sheet is not None else 0
        if rows is None:  # no declared dimension (some writers): count the rows
            rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        book.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _not_excel(name) from exc
    return max(rows - 1, 0)


def resource_path(resource: type) -> str:
    """A resource class's dotted path, as a background import job names it."""
    return f"{resource.__module__}.{resource.__qualname__}"


def job_progress_key(job: Any) -> str:
    """The cache key of a background import job's progress (its worker writes it, the job's
    page reads it). With the creation time: a key is never read for another job, even where
    ids are reused."""
    return f"import-job:{job.pk}:{job.created_at.timestamp():.6f}"


def header_key(header: Any) -> str:
    """ "Mã mẫu", "ma_mau" and "MA MAU" name the same column."""
    return re.sub(r"[\s_]+", "_", name_key(str(header or ""))).strip("_")


@dataclass(frozen=True)
class Column:
    """A column of a documented layout: its key, the headers it is known by, whether required."""

    key: str
    headers: tuple[str, ...]
    required: bool = True


def column_index(headers: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """Where each column is; a missing required column refuses the file."""
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    for column in columns:
        for name in (column.key, *column.headers):
            if header_key(name) in keys:
                found[column.key] = keys.index(header_key(name))
                break
    missing = [c.headers[0] if c.headers else c.key for c in columns if c.required and c.key not in found]
    if missing:
        raise ValidationError(
            _("Tệp thiếu cột: %(columns)s. Không lưu gì.") % {"columns": ", ".join(missing)}
        )
    return found


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel gives 12.0 for 12
    return str(value).strip()


_MOMENT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


# The current time zone, read once per file (``timezone.get_current_timezone`` reads a
# per-request local: a few microseconds a call, seconds for 100,000 rows).
_ZONE: contextvars.ContextVar[Any] = contextvars.ContextVar("import_zone", default=None)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_moment(value: Any, label: str | Promise) -> datetime.datetime:
    """A date and time as a spreadsheet or a lab system writes it, in local time
    (Asia/Ho_Chi_Minh) unless it carries an offset."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = cell_text(value)
        if not text:
            raise ValidationError(_("Vui lòng nhập %(label)s.") % {"label": label})
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            for fmt in _MOMENT_FORMATS:
                try:
                    moment = datetime.datetime.strptime(text, fmt)  # noqa: DTZ007  (made aware below)
                    break
                except ValueError:
                    continue
            else:
                raise ValidationError(
                    _("%(label)s “%(value)s” không đúng dạng ngày giờ (ví dụ 2022-01-31 14:30).")
                    % {"label": label, "value": text[:40]}
                ) from None
    if timezone.is_aware(moment):
        return moment
    zone = _ZONE.get()
    return timezone.make_aware(moment) if zone is None else moment.replace(tzinfo=zone)


def parse_day(value: Any, label: str | Promise, required: bool = True) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        if required:
            raise ValidationError(_("Vui lòng nhập %(label)s.") % {"label": label})
        return None
    if _ISO_DAY.fullmatch(text[:10]):  # the usual form, without strptime's cost
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            pass
    for fmt in _DAY_FORMATS:
        try:
            return datetime.datetime.strptime(text[:10], fmt).date()  # noqa: DTZ007  (a calendar day)
        except ValueError:
            continue
    raise ValidationError(
        _("%(label)s “%(value)s” không đúng dạng ngày (ví dụ 2022-01-31).")
        % {"label": label, "value": text[:40]}
    )


def parse_decimal(value: Any, label: str | Promise) -> Decimal | None:
    text = cell_text(value).replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("%(label)s “%(value)s” không phải là số.") % {"label": label, "value": text[:40]}
        ) from None


def parse_int(value: Any, label: str | Promise) -> int:
    text = cell_text(value)
    if not text.isdigit():
        raise ValidationError(
            _("%(label)s “%(value)s” không phải là số nguyên dương.") % {"label": label, "value": text[:40]}
        )
    return int(text)


@dataclass
class Parsed(Generic[T]):
    """One row of the file: its line, the parsed value or the reason it could not be read."""

    line: int
    value: T | None = None
    error: str = ""


def row_values(dataset: tablib.Dataset, columns: Sequence[Column]) -> Iterator[tuple[int, dict[str, Any]]]:
    index = column_index(dataset.headers or [], columns)
    for number, row in enumerate(dataset, start=2):
        if all(cell_text(v) == "" for v in row):
            continue  # an empty line of a spreadsheet
        yield number, {key: row[i] if i < len(row) else None for key, i in index.items()}


def parse_one(line: int, values: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> Parsed[T]:
    try:
        return Parsed(line, parse(values))
    except ValidationError as exc:
        return Parsed(line, error=line_error(line, " ".join(exc.messages)))


def parse_rows(
    dataset: tablib.Dataset,
    columns: Sequence[Column],
    parse: Callable[[dict[str, Any]], T],
    progress: Progress = no_progress,
) -> list[Parsed[T]]:
    total = len(dataset)
    rows: list[Parsed[T]] = []
    token = _ZONE.set(timezone.get_current_timezone())
    try:
        for line, values in row_values(dataset, columns):
            rows.append(parse_one(line, values, parse))
            if len(rows) % PROGRESS_EVERY == 0:
                progress("read", len(rows), total)
    finally:
        _ZONE.reset(token)
    if not rows:
        raise ValidationError(_("Tệp không có dòng dữ liệu nào."))
    return rows


@dataclass
class ImportSummary:
    """What an import stored: rows written, rows already stored unchanged, and the new ids."""

    created: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class FastImportMixin:
    """For a django-import-export resource: ``import_data`` takes the set-based path.

    The resource sets ``columns``, ``parse`` (one row's cells to a value, raising a Vietnamese
    ``ValidationError``), what the rows go to (``target``: the import's keyword, such as ``lab``;
    ``target_model``; ``target_missing``: the message when it is not given) and
    ``import_service`` (the app's import service). ``fast = False`` falls back to
    import-export's row-by-row loop (the reference path).
    """

    fast = True
    columns: Sequence[Column] = ()
    target = ""
    target_model: type[Any] | None = None
    target_missing: str | Promise = ""

    def parse(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def import_service(self, **kwargs: Any) -> ImportSummary:
        raise NotImplementedError

    def run_import(self, rows: list[Parsed[Any]], *, dry_run: bool, **kwargs: Any) -> ImportSummary:
        """The app's import service with the actor (the import's ``user``), the target, the rows
        and the file's name."""
        target = kwargs.get(self.target)
        if self.target_model is None or not isinstance(target, self.target_model):
            raise ValidationError(str(self.target_missing))
        return self.import_service(
            actor=require_actor(kwargs.get("user")),
            rows=rows,
            dry_run=dry_run,
            source=str(kwargs.get("file_name") or ""),
            **{self.target: target},
            **({"progress": kwargs["progress"]} if "progress" in kwargs else {}),
        )

    def import_data(self, dataset: tablib.Dataset, dry_run: bool = False, **kwargs: Any) -> Result:
        if not self.fast:
            # All or nothing on this path too: a row refused rolls every row back.
            kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
            return super().import_data(dataset, dry_run=dry_run, **kwargs)  # type: ignore[misc]
        for key in (
            "raise_errors",
            "use_transactions",
            "collect_failed_rows",
            "rollback_on_validation_errors",
        ):
            kwargs.pop(key, None)
        progress = kwargs.pop("progress", no_progress)
        result = Result()
        result.total_rows = len(dataset)
        result.diff_headers = [c.headers[0] if c.headers else c.key for c in self.columns]
        try:
            rows = parse_rows(dataset, self.columns, self.parse, progress)
            summary = self.run_import(rows, dry_run=dry_run, progress=progress, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                match = re.match(r"\D*?(\d+)", message)
                number = int(match.group(1)) - 1 if match and message.startswith(_("Dòng")) else 0
                result.append_invalid_row(number, {}, ValidationError(message))
            return result
        result.totals[RowResult.IMPORT_TYPE_NEW] = summary.created
        result.totals[RowResult.IMPORT_TYPE_SKIP] = summary.unchanged
        for parsed in rows[:PREVIEW_ROWS]:
            row = RowResult()
            row.import_type = RowResult.IMPORT_TYPE_NEW
            row.diff = self.preview(parsed.value)
            result.append_row_result(row)
        result.summary = summary  # read by the command and the tests
        return result

    # django-import-export's own loop (``fast = False``): the same parser and the same service,
    # one row at a time, in a savepoint each; the rows repeated in the file are found first (the
    # service, seeing one row, cannot), with the key and the message the service uses.

    def key(self, value: Any) -> Hashable:
        raise NotImplementedError

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self._index = column_index(dataset.headers or [], self.columns)
        parsed = [parse_one(line, values, self.parse) for line, values in row_values(dataset, self.columns)]
        self._again = repeated((p.line, self.key(p.value)) for p in parsed if p.value is not None)

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        line = kwargs["row_number"] + 1
        cells = list(row.values())
        values = {key: cells[i] if i < len(cells) else None for key, i in self._index.items()}
        self._parsed: Parsed[Any] | None = None
        self._unchanged = False
        if all(cell_text(v) == "" for v in values.values()):
            return
        self._parsed = parse_one(line, values, self.parse)
        if self._parsed.error:
            raise ValidationError(self._parsed.error)
        if line in self._again:
            key = self.key(self._parsed.value)
            raise ValidationError(repeated_error(line, str(key), self._again[line]))

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> tuple[Any, bool]:
        model = self._meta.model  # type: ignore[attr-defined]
        return model(), True

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        return None

    def skip_row(self, instance: Any, original: Any, row: Any, import_validation_errors: Any = None) -> bool:
        return self._parsed is None

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        assert self._parsed is not None
        kwargs.pop("dry_run", None)
        summary = self.run_import([self._parsed], dry_run=False, **kwargs)
        self._unchanged = bool(summary.unchanged)
        if summary.ids:
            instance.pk = summary.ids[0]

    def after_import_row(self, row: Any, row_result: RowResult, **kwargs: Any) -> None:
        if self._unchanged:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP

    def preview(self, value: Any) -> list[str]:
        return [str(getattr(value, c.key, "")) for c in self.columns]


def errors_of(result: Result) -> list[str]:
    """Every row's error of either path, as "Dòng N: …" strings in line order."""
    messages: list[str] = []
    for row in result.invalid_rows:
        for values in row.error_dict.values():
            messages.extend(str(v) for v in values)
    for error_row in result.row_errors():
        messages.extend(str(e.error) for e in error_row[1])
    messages.extend(str(e.error) for e in result.base_errors)

    def line(message: str) -> int:
        match = re.search(r"(\d+)", message)
        return int(match.group(1)) if match else 0

    return sorted(dict.fromkeys(messages), key=line)


def command_actor(command: str, username: str | None) -> Any:
    """Who a management command's import acts as: the named active user (their scope), or the
    system named after the command. Raises ``CommandError`` for an unknown user."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    from core.actors import SystemActor

    if not username:
        return SystemActor(f"command:{command}")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có người dùng {username}.")
    return user


def import_path(
    resource: Any, path: str, *, dry_run: bool, write: Callable[[str], None], **kwargs: Any
) -> Any:
    """A management command's import: the file read as the admin reads it, progress printed,
    every row's error printed; raises ``CommandError`` when the file is refused (nothing stored)."""
    from django.core.management.base import CommandError

    def progress(stage: str, done: int, total: int) -> None:
        write(
            _("%(stage)s: %(done)d/%(total)d dòng")
            % {"stage": STAGES.get(stage, stage), "done": done, "total": total}
        )

    with open(path, "rb") as handle:
        content = handle.read()
    try:
        dataset = read_file(content, path)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    result = resource.import_data(
        dataset, dry_run=dry_run, file_name=path.rsplit("/", 1)[-1], progress=progress, **kwargs
    )
    errors = errors_of(result)
    if errors:
        for message in errors[:200]:
            write(message)
        raise CommandError(_("Tệp bị từ chối: %(n)d lỗi, không lưu gì.") % {"n": len(errors)})
    summary = getattr(result, "summary", None)
    if summary is not None:
        write(
            _("Đã nhập %(created)d dòng mới, %(unchanged)d dòng đã có (bỏ qua).%(dry)s")
            % {
                "created": summary.created,
                "unchanged": summary.unchanged,
                "dry": _(" (chạy thử: không lưu)") if dry_run else "",
            }
        )
    return result


STAGES = {
    "read": _("Đã đọc"),
    "checked": _("Đã kiểm tra"),
    "stored": _("Đã lưu"),
}
