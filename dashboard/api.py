"""Open data: the dashboard's figures as JSON and CSV under ``/api/v1/public/`` (no login).

Every answer is built once per published version from the snapshot (already suppressed:
"< 5" below the threshold, "*" withheld so that a suppressed figure cannot be derived) and
read from the cache after. ``Cache-Control: public, max-age`` the refresh interval, a weak
ETag of the figures (``If-None-Match`` answers 304 while they have not changed).
"""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from dashboard import selectors


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "example": "< 5"}],
        "description": 'Số đếm; "< 5" khi nhỏ hơn ngưỡng, "*" khi bị ẩn để không suy ra được số bị che.',
    }
)
class CountField(serializers.Field):
    pass


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string", "example": "*"}],
        "nullable": True,
        "description": 'Trung bình 7 ngày; "*" khi một ngày trong 7 ngày bị che; null khi chưa đủ 7 ngày.',
    }
)
class AverageField(serializers.Field):
    pass


class DayOut(serializers.Serializer):
    day = serializers.DateField()
    checkins = CountField()
    checkins_avg7 = AverageField()
    flagged = CountField()


class SeriesOut(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    today = serializers.DateField()
    threshold = serializers.IntegerField()
    days = DayOut(many=True)


class UnitRowOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    checkins_today = CountField()
    checkins_week = CountField()
    flagged_week = CountField()
    checkpoints_active = serializers.IntegerField()
    checkpoints_silent = serializers.IntegerField()


class UnitsOut(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    today = serializers.DateField()
    week_start = serializers.DateField()
    threshold = serializers.IntegerField()
    units = UnitRowOut(many=True)


class UnitOut(UnitRowOut):
    computed_at = serializers.DateTimeField()
    threshold = serializers.IntegerField()
    days = DayOut(many=True)


UNIT_COLUMNS = (
    "code",
    "name",
    "checkins_today",
    "checkins_week",
    "flagged_week",
    "checkpoints_active",
    "checkpoints_silent",
)
DAY_COLUMNS = ("day", "checkins", "checkins_avg7", "flagged")


def _days(data: dict[str, Any], figures: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"day": day, "checkins": c, "checkins_avg7": a, "flagged": f}
        for day, c, a, f in zip(
            data["days"], figures["checkins"], figures["checkins_avg7"], figures["flagged"], strict=True
        )
    ]


def _unit_row(unit: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: unit[k] for k in UNIT_COLUMNS},
        "url": reverse("dashboard:unit", kwargs={"code": unit["code"]}),
    }


def series_doc(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "computed_at": data["computed_at"],
        "today": data["today"],
        "threshold": data["threshold"],
        "days": _days(data, data["province"]),
    }


def units_doc(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "computed_at": data["computed_at"],
        "today": data["today"],
        "week_start": data["week_start"],
        "threshold": data["threshold"],
        "units": [_unit_row(u) for u in data["units"]],
    }


def unit_doc(data: dict[str, Any], code: str) -> dict[str, Any]:
    unit = selectors.unit_figures(data, code)
    return {
        **_unit_row(unit),
        "computed_at": data["computed_at"],
        "threshold": data["threshold"],
        "days": _days(data, unit),
    }


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return out.getvalue().encode("utf-8")


def _serve(
    request: HttpRequest, name: str, content_type: str, build: Callable[[dict[str, Any]], bytes]
) -> HttpResponse:
    token = selectors.current_token()

    def answer() -> tuple[str, bytes] | None:
        data = selectors.published(token)
        if data is None:
            return None
        return f'W/"{data["digest"][:20]}"', build(data)

    cached = selectors.cached(token, name, answer)
    response: HttpResponse
    if cached is None:
        response = HttpResponse(
            json.dumps({"detail": "Chưa có số liệu công bố."}, ensure_ascii=False),
            status=404,  # nothing published yet (the first refresh runs within minutes)
            content_type="application/json",
        )
        response["Retry-After"] = str(int(settings.DASHBOARD_REFRESH_SECONDS))
        return response
    etag, body = cached
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
        if content_type.startswith("text/csv"):
            response["Content-Disposition"] = f'inline; filename="{name.replace(":", "-")}.csv"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=int(settings.DASHBOARD_REFRESH_SECONDS))
    return response


def _json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


CSV = "text/csv; charset=utf-8"
JSON = "application/json"


class PublicView(APIView):
    """Public and read-only: no session look-up, no CSRF, no throttle state.

    A GET is answered straight from the cache, without DRF's request wrapping, authentication
    and content negotiation (each URL has one format; nothing to authenticate): about a
    millisecond a request less. The class stays an ``APIView`` for the OpenAPI schema."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        self.args, self.kwargs, self.request = args, kwargs, request  # type: ignore[assignment]
        self.headers = {}
        try:
            return self.get(request, *args, **kwargs)  # type: ignore[attr-defined]
        except Http404:
            return HttpResponse(
                json.dumps({"detail": "Không tìm thấy."}, ensure_ascii=False), status=404, content_type=JSON
            )


class SeriesApi(PublicView):
    @extend_schema(
        operation_id="public_series",
        tags=["public"],
        summary="Lượt quét mã QR mỗi ngày trong tỉnh (30 ngày, trung bình 7 ngày)",
        responses={200: SeriesOut},
    )
    def get(self, request: Request | HttpRequest) -> HttpResponse:
        return _serve(request, "series", JSON, lambda d: _json(series_doc(d)))


class SeriesCsvApi(PublicView):
    @extend_schema(
        operation_id="public_series_csv",
        tags=["public"],
        summary="Lượt quét mã QR mỗi ngày trong tỉnh, CSV",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request | HttpRequest) -> HttpResponse:
        return _serve(request, "series.csv", CSV, lambda d: _csv(DAY_COLUMNS, series_doc(d)["days"]))


class UnitsApi(PublicView):
    @extend_schema(
        operation_id="public_units",
        tags=["public"],
        summary="Bảng theo đơn vị báo cáo",
        responses={200: UnitsOut},
    )
    def get(self, request: Request | HttpRequest) -> HttpResponse:
        return _serve(request, "units", JSON, lambda d: _json(units_doc(d)))


class UnitsCsvApi(PublicView):
    @extend_schema(
        operation_id="public_units_csv",
        tags=["public"],
        summary="Bảng theo đơn vị báo cáo, CSV",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request | HttpRequest) -> HttpResponse:
        return _serve(request, "units.csv", CSV, lambda d: _csv(UNIT_COLUMNS, units_doc(d)["units"]))


class UnitApi(PublicView):
    @extend_schema(
        operation_id="public_unit",
        tags=["public"],
        summary="Một đơn vị: số liệu và chuỗi theo ngày",
        responses={200: UnitOut},
    )
    def get(self, request: Request | HttpRequest, code: str) -> HttpResponse:
        return _serve(request, f"unit:{code}", JSON, lambda d: _json(unit_doc(d, code)))


class UnitCsvApi(PublicView):
    @extend_schema(
        operation_id="public_unit_csv",
        tags=["public"],
        summary="Một đơn vị: chuỗi theo ngày, CSV",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request | HttpRequest, code: str) -> HttpResponse:
        return _serve(
            request, f"unit:{code}.csv", CSV, lambda d: _csv(DAY_COLUMNS, unit_doc(d, code)["days"])
        )


# --- Health figures (issue 21): the plug-in sections, as published -------------------------

HEALTH_SECTIONS = ("cases", "testing", "vaccination")


class HealthOut(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    threshold = serializers.IntegerField()
    sections = serializers.DictField(
        help_text="Theo mục (cases, testing, vaccination): available, tiles, "
        "charts (days, values, averages), "
        'tables (columns, rows: code, name, values). Số đếm: số, "< 5" hoặc "*".'
    )
    levels = serializers.DictField(
        help_text="Cấp độ dịch đã công bố: province, units (code, name, declared: level, decision_number, "
        "decision_date, effective_from)."
    )


def health_doc(data: dict[str, Any]) -> dict[str, Any]:
    sections = data.get("sections", {})
    levels = (sections.get("levels") or {}).get("extra") or {}
    return {
        "computed_at": data["computed_at"],
        "threshold": data["threshold"],
        "sections": {
            key: {k: v for k, v in (sections.get(key) or {"available": False}).items() if k != "extra"}
            for key in HEALTH_SECTIONS
        },
        "levels": {
            "province": levels.get("province"),
            "units": [{k: u[k] for k in ("code", "name", "declared")} for u in levels.get("units", [])],
        },
    }


def health_csv(data: dict[str, Any], section: str) -> bytes:
    """One section's table per unit (``levels``: the declared levels), with the page's headers."""
    if section == "levels":
        columns = ("code", "name", "level", "decision_number", "decision_date", "effective_from")
        rows = [
            {"code": u["code"], "name": u["name"], **{k: (u["declared"] or {}).get(k) for k in columns[2:]}}
            for u in health_doc(data)["levels"]["units"]
        ]
        return _csv(columns, rows)
    found = health_doc(data)["sections"].get(section) or {}
    table = next((t for t in found.get("tables", []) if t["key"] == "units"), None)
    if table is None:
        raise Http404
    columns = ("code", *table["columns"])
    rows = [
        {"code": r["code"], **dict(zip(table["columns"], [r["name"], *r["values"]], strict=True))}
        for r in table["rows"]
    ]
    return _csv(columns, rows)


class HealthApi(PublicView):
    @extend_schema(
        operation_id="public_health",
        tags=["public"],
        summary="Ca mắc, xét nghiệm, tiêm chủng và cấp độ dịch đã công bố",
        responses={200: HealthOut},
    )
    def get(self, request: Request | HttpRequest) -> HttpResponse:
        return _serve(request, "health", JSON, lambda d: _json(health_doc(d)))


class HealthCsvApi(PublicView):
    @extend_schema(
        operation_id="public_health_csv",
        tags=["public"],
        summary="Bảng theo đơn vị của một mục (cases, testing, vaccination, levels), CSV",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request | HttpRequest, section: str) -> HttpResponse:
        if section not in (*HEALTH_SECTIONS, "levels"):
            raise Http404
        return _serve(request, f"health:{section}.csv", CSV, lambda d: health_csv(d, section))
