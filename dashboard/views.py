"""The public dashboard pages (no login). The figures come from the published snapshot
(``dashboard.selectors``); each page is rendered once per version, language and sort and read
from the cache after. To be cacheable whole, the pages carry no CSRF token: their language
switch is a plain link (``language``) instead of the site's POST form."""

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import selectors as core_selectors
from core.collation import vi_sort_key
from core.context_processors import portal as portal_context
from core.redirects import local_url
from core.roles import user_can
from dashboard import sections, selectors
from dashboard.privacy import SECONDARY, is_number
from epidemic.capabilities import EpidemicCap
from reports.charts import series_chart

SORTS = (
    "name",
    "checkins_today",
    "checkins_week",
    "flagged_week",
    "checkpoints_active",
    "checkpoints_silent",
)


def _sort(request: HttpRequest) -> tuple[str, bool]:
    column = request.GET.get("sort", "name")
    if column not in SORTS:
        column = "name"
    return column, request.GET.get("dir") == "desc"


def sort_units(units: list[dict[str, Any]], column: str, descending: bool) -> list[dict[str, Any]]:
    """Withheld cells ("< 5", "*") sort together below every number, by name: a place in the
    order would otherwise tell the value a "*" hides."""
    if column == "name":
        return sorted(units, key=lambda u: vi_sort_key(u["name"]), reverse=descending)
    shown = [u for u in units if is_number(u[column])]
    withheld = sorted((u for u in units if not is_number(u[column])), key=lambda u: vi_sort_key(u["name"]))
    shown.sort(
        key=lambda u: (
            (-u[column], vi_sort_key(u["name"])) if descending else (u[column], vi_sort_key(u["name"]))
        )
    )
    return [*shown, *withheld] if descending else [*withheld, *shown]


def _chart(data: dict[str, Any], figures: dict[str, Any], title: str, chart_id: str) -> str:
    labels = [f"{datetime.date.fromisoformat(d):%d/%m}" for d in data["days"]]
    return series_chart(
        labels,
        figures["checkins"],
        figures["checkins_avg7"],
        title=title,
        chart_id=chart_id,
        description=_(
            "Cột: lượt quét mỗi ngày; đường: trung bình 7 ngày. Số liệu chi tiết ở bảng bên dưới biểu đồ."
        ),
        withheld_note=_("□ số nhỏ hơn %(limit)s hoặc bị ẩn") % {"limit": data["threshold"]},
    )


def _rows(data: dict[str, Any], figures: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"day": day, "checkins": c, "avg7": a, "flagged": f}
        for day, c, a, f in zip(
            data["days"], figures["checkins"], figures["checkins_avg7"], figures["flagged"], strict=True
        )
    ][::-1]


def _common(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": data,
        "computed_at": datetime.datetime.fromisoformat(data["computed_at"]),
        "refresh_minutes": max(1, round(settings.DASHBOARD_REFRESH_SECONDS / 60)),
        "secondary": SECONDARY,
        # Rendered without the request (cached per version): what the context processor gives.
        "PROVINCE_NAME": settings.PROVINCE_NAME,
    }


def _map_mode(request: HttpRequest) -> str:
    """The levels map: by declared level (default) or by rate (``?ban-do=ty-le``)."""
    return "rate" if request.GET.get("ban-do") == "ty-le" else "level"


def _proposals() -> dict[str, Any]:
    """For officials only: the computed levels of the last assessed week beside the declared ones
    (the public sees declared levels only; a page showing these is never cached)."""
    from epidemic import selectors as epidemic_selectors

    weeks = epidemic_selectors.assessed_weeks()
    if not weeks:
        return {}
    found = epidemic_selectors.assessments(weeks[0])
    codes = dict(core_selectors.reporting_units().values_list("id", "code"))
    province = core_selectors.province_unit()
    by_code = {codes[i]: a.level for i, a in found.items() if i in codes}
    mine = found.get(province.pk)
    return {"week": weeks[0], "units": by_code, "province": mine.level if mine else None}


def _home_body(
    data: dict[str, Any] | None,
    column: str,
    descending: bool,
    map_mode: str = "level",
    proposals: dict[str, Any] | None = None,
) -> str:
    if data is None:
        return render_to_string("dashboard/_empty.html")
    context = {
        **_common(data),
        "sections": sections.all_sections(),
        "units": sort_units(data["units"], column, descending),
        "sort": column,
        "descending": descending,
        "map_mode": map_mode,
        "proposals": proposals,
        "sort_columns": [
            ("name", _("Đơn vị")),
            ("checkins_today", _("Lượt quét hôm nay")),
            ("checkins_week", _("Lượt quét tuần này")),
            ("flagged_week", _("Khai báo có dấu hiệu (tuần)")),
            ("checkpoints_active", _("Điểm đang hoạt động")),
            ("checkpoints_silent", _("Điểm không có lượt quét")),
        ],
        "chart": _chart(data, data["province"], _("Lượt quét mã QR mỗi ngày trong tỉnh"), "province"),
        "rows": _rows(data, data["province"]),
    }
    return render_to_string("dashboard/_home.html", context)


def _page(request: HttpRequest, template: str, here: str, context: dict[str, Any]) -> str:
    """The whole page, rendered without the request (it is cached for every reader): the
    site's context processors' values are given here; no CSRF token, no messages. ``here``:
    the page's own canonical address (the language links come back to it)."""
    return render_to_string(template, {**portal_context(request), "here": here, **context})


def _html(page: str) -> HttpResponse:
    return HttpResponse(page, content_type="text/html; charset=utf-8")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    token = selectors.current_token()
    column, descending = _sort(request)
    map_mode = _map_mode(request)
    official = request.user.is_authenticated and user_can(request.user, EpidemicCap.VIEW)

    def build() -> str:
        proposals = _proposals() if official else None
        body = _home_body(selectors.published(token), column, descending, map_mode, proposals)
        here = reverse("dashboard:home")
        query = []
        if column != "name" or descending:
            query.append(f"sort={column}" + ("&dir=desc" if descending else ""))
        if map_mode == "rate":
            query.append("ban-do=ty-le")
        if query:
            here += "?" + "&".join(query)
        return _page(request, "dashboard/home.html", here, {"body": body})

    if official:  # the proposals are not public: this page is neither cached nor served to others
        return _html(build())
    return _html(
        selectors.cached(token, f"home:{get_language()}:{column}:{int(descending)}:{map_mode}", build)
    )


def _unit_body(data: dict[str, Any] | None, code: str) -> tuple[str, str]:
    if data is None:
        return "", render_to_string("dashboard/_empty.html")
    unit = selectors.unit_figures(data, code)
    sections_data = data.get("sections", {})
    levels = ((sections_data.get("levels") or {}).get("extra") or {}).get("units", [])
    health = [
        (key, [(column, value) for column, value in zip(table["columns"][1:], row["values"], strict=True)])
        for key in ("cases", "testing", "vaccination")
        for table in (sections_data.get(key) or {}).get("tables", [])
        if table["key"] == "units"
        for row in table["rows"]
        if row["code"] == code
    ]
    context = {
        **_common(data),
        "unit": unit,
        "declared": next((u["declared"] for u in levels if u["code"] == code), None),
        "health": health,
        "chart": _chart(data, unit, _("Lượt quét mã QR mỗi ngày: %(unit)s") % {"unit": unit["name"]}, "unit"),
        "rows": _rows(data, unit),
    }
    return unit["name"], render_to_string("dashboard/_unit.html", context)


@require_GET
def unit(request: HttpRequest, code: str) -> HttpResponse:
    token = selectors.current_token()

    def build() -> str:
        name, body = _unit_body(selectors.published(token), code)
        return _page(request, "dashboard/unit.html", request.path, {"body": body, "unit_name": name})

    return _html(selectors.cached(token, f"unit:{get_language()}:{code}", build))


@require_GET
def places(request: HttpRequest) -> HttpResponse:
    """Where to go: sampling sites and vaccination sessions with room, by unit (``?don-vi=``)."""
    token = selectors.current_token()
    code = request.GET.get("don-vi", "")
    if not code.isalnum() or len(code) > 12:
        code = ""

    def build() -> str:
        data = selectors.published(token)
        if data is None:
            body = render_to_string("dashboard/_empty.html")
        else:
            listed = data.get("places", {}).get("units", [])
            context = {
                **_common(data),
                "all_units": listed,
                "units": [u for u in listed if u["code"] == code] if code else listed,
                "chosen": code,
            }
            body = render_to_string("dashboard/_places.html", context)
        here = reverse("dashboard:places") + (f"?don-vi={code}" if code else "")
        return _page(request, "dashboard/places.html", here, {"body": body})

    return _html(selectors.cached(token, f"places:{get_language()}:{code}", build))


@require_GET
def language(request: HttpRequest) -> HttpResponse:
    """The dashboard's language switch: a link, so that its pages hold no CSRF token and can be
    cached whole. It only sets the language cookie (as Django's ``set_language`` does) and goes
    back to a page of this site."""
    code = request.GET.get("language", "")
    target = local_url(request, request.GET.get("next"), reverse("dashboard:home"))
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
