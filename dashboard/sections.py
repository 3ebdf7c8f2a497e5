"""The dashboard's sections, in order: a small registry so that the platforms still to come
(testing, vaccination) plug in without touching the dashboard's page.

A built-in section (``source=""``) is drawn by its template from the snapshot's figures. A
plug-in section names a function of its own app (``source="testing.public_figures.collect"``):
nothing imports the dashboard. The refresh calls it as ``collect(today=date, now=datetime)``;
it returns a list of figures::

    [{"key": "samples_today", "label": "Mẫu xét nghiệm hôm nay", "value": 123, "sensitive": True}]

(``label`` a Vietnamese msgid of the app's catalog; ``sensitive``: a count of people's records,
suppressed below the threshold). While the function does not exist — the platform has not
landed — the section shows its empty state, never a zero.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from dashboard import plugins
from dashboard.privacy import Disclosure


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    platform: str | Promise  # the platform of DOMAIN §2 whose data it shows, in words
    order: int
    template: str = "dashboard/sections/figures.html"
    source: str = ""  # dotted path of a plug-in's collect function; "" = built in


_REGISTRY: dict[str, Section] = {}


def register(section: Section) -> Section:
    _REGISTRY[section.key] = section
    return section


def all_sections() -> list[Section]:
    return sorted(_REGISTRY.values(), key=lambda s: s.order)


def _load(source: str) -> Any:
    try:
        return import_string(source)
    except ImportError:
        return None


def collect_plugins(*, today: datetime.date, now: datetime.datetime) -> dict[str, dict[str, Any]]:
    """The plug-in sections' figures, suppressed: ``{"available": False}`` while their
    platform has not landed."""
    out: dict[str, dict[str, Any]] = {}
    for section in all_sections():
        if not section.source:
            continue
        collect = _load(section.source)
        if collect is None:
            out[section.key] = {"available": False}
            continue
        result = collect(today=today, now=now)
        if isinstance(result, dict):  # cells, groups, tiles, charts, tables (dashboard.plugins)
            out[section.key] = plugins.resolve(result)
            continue
        figures = list(result)
        dis = Disclosure()
        for index, figure in enumerate(figures):
            dis.add(index, int(figure["value"]))
        out[section.key] = {
            "available": True,
            "figures": [
                {
                    "key": figure["key"],
                    "label": str(figure["label"]),
                    "value": dis.published(index) if figure.get("sensitive", True) else figure["value"],
                }
                for index, figure in enumerate(figures)
            ],
        }
    return out


register(
    Section(
        "levels",
        _("Cấp độ dịch"),
        _("Đánh giá cấp độ dịch"),
        5,
        "dashboard/sections/levels.html",
        source="epidemic.public_figures.collect",
    )
)
register(
    Section(
        "checkins",
        _("Lượt quét mã QR"),
        _("Khai báo y tế, quét mã QR"),
        10,
        "dashboard/sections/checkins.html",
    )
)
register(
    Section(
        "checkpoints",
        _("Điểm kiểm dịch"),
        _("Khai báo y tế, quét mã QR"),
        20,
        "dashboard/sections/checkpoints.html",
    )
)
register(
    Section(
        "adoption",
        _("Cơ quan sử dụng các nền tảng"),
        _("Báo cáo sử dụng phần mềm"),
        30,
        "dashboard/sections/adoption.html",
    )
)
register(
    Section(
        "cases",
        _("Ca mắc COVID-19"),
        _("Lấy mẫu, trả kết quả xét nghiệm trực tuyến"),
        35,
        "dashboard/sections/health.html",
        source="testing.public_figures.collect_cases",
    )
)
register(
    Section(
        "testing",
        _("Xét nghiệm"),
        _("Lấy mẫu, trả kết quả xét nghiệm trực tuyến"),
        40,
        "dashboard/sections/health.html",
        source="testing.public_figures.collect",
    )
)
register(
    Section(
        "vaccination",
        _("Tiêm chủng"),
        _("Quản lý tiêm chủng"),
        50,
        "dashboard/sections/health.html",
        source="vaccination.public_figures.collect",
    )
)
