"""Values the database can hold, checked where input arrives (forms, serializers, query strings)
so bad input is a clear 400 and never an overflow deep in the database (docs/security.md).

* ids: every primary key is a 64-bit integer (``BigAutoField``); a larger number (``2**63``)
  overflows SQLite's INTEGER before the query even runs. ``parse_id`` reads a query-string id,
  ``IdChoiceField`` and ``IdRelatedField`` are the form and serializer fields for a chosen row.
* birth years from 1900 to this year, birth dates from 1900-01-01 to today: the column is a
  small integer (32,767 at most on PostgreSQL) and a date in 2100 is a typing error, not a
  person.
"""

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

ID_MAX = 2**63 - 1
COUNT_MAX = 2**31 - 1  # a PositiveIntegerField (an integer column on PostgreSQL)
MIN_BIRTH_YEAR = 1900


def parse_id(raw: Any) -> int | None:
    """A positive id within the column's range, or ``None`` for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip() if raw is not None else ""
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        value = int(text)
    return value if 1 <= value <= ID_MAX else None


def parse_query_date(raw: str | None) -> datetime.date | None:
    """A ``YYYY-MM-DD`` from a query string, or ``None`` (also for 2021-02-30, where
    ``parse_date`` raises)."""
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def validate_birth_year(year: int | None) -> None:
    if year is None:
        return
    if year < MIN_BIRTH_YEAR:
        raise ValidationError(
            _("Năm sinh phải từ %(year)s trở đi.") % {"year": MIN_BIRTH_YEAR}, code="birth_year_min"
        )
    if year > timezone.localdate().year:
        raise ValidationError(_("Năm sinh không được ở tương lai."), code="birth_year_future")


def validate_birth_date(day: datetime.date | None) -> None:
    if day is None:
        return
    if day.year < MIN_BIRTH_YEAR:
        raise ValidationError(
            _("Ngày sinh phải từ năm %(year)s trở đi.") % {"year": MIN_BIRTH_YEAR}, code="birth_date_min"
        )
    if day > timezone.localdate():
        raise ValidationError(_("Ngày sinh không được ở tương lai."), code="birth_date_future")


def _drf(validator: Any) -> Any:
    """A Django validator as DRF reports it (a 400 with the same message)."""

    def check(value: Any) -> None:
        try:
            validator(value)
        except ValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc

    return check


class BirthYearFormField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_BIRTH_YEAR)
        super().__init__(**kwargs)
        self.validators.append(validate_birth_year)


class BirthDateFormField(forms.DateField):
    default_validators = [validate_birth_date]


class BirthYearSerializerField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_BIRTH_YEAR)
        # Documented as a bound (the upper one moves each January: checked, not advertised).
        kwargs.setdefault("max_value", 9999)
        kwargs.setdefault("validators", [_drf(validate_birth_year)])
        super().__init__(**kwargs)


class BirthDateSerializerField(serializers.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [_drf(validate_birth_date)])
        super().__init__(**kwargs)


def _integral(value: Any) -> bool:
    """An integer or its digits (a sign allowed): what the database would try to compare."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value) is not None


class IdChoiceField(forms.ModelChoiceField):
    """``ModelChoiceField`` that refuses an id the column cannot hold before querying."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        model = self.queryset.model if self.queryset is not None else ()
        if not isinstance(value, model) and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` that refuses an id the column cannot hold before querying."""

    def _check_values(self, value: Any) -> Any:
        model = self.queryset.model if self.queryset is not None else ()
        for pk in value:
            if not isinstance(pk, model) and parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc]


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """``PrimaryKeyRelatedField`` that refuses an id the column cannot hold before querying."""

    def to_internal_value(self, data: Any) -> Any:
        if _integral(data):
            if isinstance(data, float):
                data = int(data) if data.is_integer() else 0
            if parse_id(data) is None:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class IdSerializerField(serializers.IntegerField):
    """An id given as a plain number (query strings, bodies): within the column's range."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IdFormField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


def _holdable(value: Any) -> bool:
    """A path value a column can hold: an id within range, text without a NUL character
    (PostgreSQL refuses NUL in any text, and ``<str:code>`` takes anything but "/")."""
    if isinstance(value, int):
        return 0 <= value <= ID_MAX
    return not isinstance(value, str) or "\x00" not in value


class HoldableValuesMiddleware:
    """Values no column can hold stop here, before any view runs:

    * a path value: an id (``<int:pk>``) out of range (Django's ``int`` converter takes any run
      of digits, and ``2**63`` overflowed SQLite: a 500), or a code or token (``<str:…>``) with
      a NUL character (a 500 on PostgreSQL, found by the forms' fuzz test with random cases):
      404, as for any code that does not exist;
    * a query string with a NUL character in a name or a value (``?uvci=%00`` was a 500 on
      PostgreSQL): 400. No page of the portal takes one, and every view is covered at once."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # On the raw query string (a NUL arrives as "%00"): no parsing on the hot paths.
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(_("Yêu cầu không hợp lệ."))}, status=400)
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if all(_holdable(v) for v in kwargs.values()):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(_("Không tìm thấy."))}, status=404)
        raise Http404
