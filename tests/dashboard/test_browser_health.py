"""A real browser opens the dashboard's health sections and the levels map at phone and desktop
sizes (screenshots in var/screenshots/health-*.png), with boundaries for most units and tiles for
the others, switches the map to rates, opens the where-to-go page, and an official's levels page;
no CSP violation, nothing wider than the screen."""

import datetime
import json

import pytest
from django.urls import reverse

from core.models import AdministrativeUnit
from core.roles import Role
from dashboard.services import snapshot_refresh
from epidemic import services as epidemic_services
from epidemic.models import LevelRules
from tests.actors import SYSTEM
from tests.browser import login, page_errors
from tests.dashboard.conftest import NOW, TODAY
from tests.epidemic.conftest import add_cases, add_negatives, set_population

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _setup(db):
    """What migrations create and a transactional test before this one may have flushed."""
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)
    LevelRules.objects.get_or_create(effective_from=datetime.date(2021, 10, 11))


def _blob(col: int, row: int, size: float = 0.1) -> dict:
    """An irregular eight-sided cell of a grid (a stand-in for a district's boundary)."""
    x, y = 105.0 + col * size, 20.4 - row * size
    points = [
        [x, y],
        [x + size * 0.45, y + size * 0.06],
        [x + size, y],
        [x + size * 1.04, y - size * 0.5],
        [x + size, y - size],
        [x + size * 0.55, y - size * 1.05],
        [x, y - size],
        [x - size * 0.05, y - size * 0.45],
        [x, y],
    ]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [points]}}


@pytest.fixture
def province_data(province):
    from core import selectors as core_selectors

    units = list(core_selectors.reporting_units().order_by("code"))
    for index, unit in enumerate(units):
        set_population(unit, 80_000 + 5_000 * index, adults=60_000)
        if index < len(units) - 3:  # the last three have no boundary: tiles
            epidemic_services.boundary_upload(
                actor=SYSTEM, unit=unit, content=json.dumps(_blob(index % 6, index // 6)).encode()
            )
        level = 1 + index % 4
        epidemic_services.level_declare(
            actor=SYSTEM,
            unit=unit,
            level=level,
            decision_number=f"{100 + index}/QĐ-UBND",
            decision_date=datetime.date(2026, 11, 20),
            effective_from=datetime.date(2026, 11, 21),
        )
        ward = AdministrativeUnit.objects.filter(parent=unit, level="ward").first() or unit
        add_cases(ward, TODAY, (index * 7) % 23)
        add_cases(ward, TODAY - datetime.timedelta(days=2), index % 5, found_in="quarantine")
        for back in range(3, 25, 4):
            add_cases(ward, TODAY - datetime.timedelta(days=back), (index + back) % 9)
        if index % 3 == 0:  # negatives too, so that the positivity is a share worth showing
            for back in range(0, 14, 2):
                add_negatives(ward, TODAY - datetime.timedelta(days=back), 12 + (index + back) % 7)
    epidemic_services.level_declare(
        actor=SYSTEM,
        unit=province,
        level=2,
        decision_number="3456/QĐ-UBND",
        decision_date=datetime.date(2026, 11, 20),
        effective_from=datetime.date(2026, 11, 21),
    )
    epidemic_services.levels_compute(actor=SYSTEM, week_start=datetime.date(2026, 11, 16))
    snapshot_refresh(actor=SYSTEM, now=NOW)
    return units


@pytest.mark.parametrize("size", sorted(SIZES))
def test_health_sections_and_the_map(browser, live_server, province_data, screenshot_dir, size):
    page = browser.new_page()
    page.set_viewport_size(SIZES[size])
    found = page_errors(page)
    page.goto(f"{live_server.url}{reverse('dashboard:home')}")
    levels = page.locator("#levels")
    assert "Cấp 2" in levels.locator(".level-now").inner_text()
    assert "3456/QĐ-UBND" in levels.locator(".level-now").inner_text()
    svg = levels.locator("svg[role=img]")
    assert svg.count() == 1 and svg.locator("path").count() == len(province_data) - 3
    assert levels.locator(".unit-tiles li").count() == 3
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    levels.screenshot(path=str(screenshot_dir / f"health-levels-map-{size}.png"))
    # The table behind the map.
    levels.locator("details summary").click()
    assert levels.locator("details tbody tr").count() == len(province_data)
    # Cases and vaccination: tiles, a chart with its table, a unit table.
    assert page.locator("#cases .tiles li").count() == 5
    assert page.locator("#cases figure.chart svg[role=img]").count() == 1
    assert page.locator("#vaccination .tiles li").count() == 7
    for key in ("cases", "testing", "vaccination"):
        page.locator(f"#{key}").screenshot(path=str(screenshot_dir / f"health-{key}-{size}.png"))
    page.screenshot(path=str(screenshot_dir / f"health-home-{size}.png"), full_page=True)
    # The map by rate.
    with page.expect_navigation():
        page.locator("#levels .map-modes a").nth(1).click()
    assert page.locator("#levels .map-modes a[aria-current]").inner_text().startswith("ca cộng đồng")
    page.locator("#levels").screenshot(path=str(screenshot_dir / f"health-rate-map-{size}.png"))
    # A unit on the map is a link to its page.
    with page.expect_navigation():
        page.locator("#levels svg a").first.click()
    assert "/tinh-hinh-dich/don-vi/" in page.url
    # English.
    page.goto(f"{live_server.url}{reverse('dashboard:home')}")
    with page.expect_navigation():
        page.locator(".lang-switch a[lang=en]").click()
    assert "Epidemic level" in page.locator("#levels h2").inner_text()
    page.locator("#levels").screenshot(path=str(screenshot_dir / f"health-levels-en-{size}.png"))
    assert found == []


def test_where_to_go_on_a_phone(browser, live_server, province, screenshot_dir):
    from django.utils import timezone

    from testing import services as testing_services
    from tests.core.fixtures import first_ward
    from vaccination import services as vaccination_services
    from vaccination.models import Vaccine

    ward = first_ward("405")
    testing_services.site_create(actor=SYSTEM, name="Trạm Y tế xã Đông Tiến", unit=ward, address="Thôn 3")
    site = vaccination_services.site_create(actor=SYSTEM, name="Trường THCS Đông Tiến", unit=ward)
    import importlib

    from django.apps import apps

    importlib.import_module("vaccination.migrations.0002_catalogue").load(apps, None)
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    vaccination_services.session_create(
        actor=SYSTEM,
        site=site,
        date=timezone.localdate() + datetime.timedelta(days=1),
        vaccine=vaccine,
        capacity=40,
    )
    snapshot_refresh(actor=SYSTEM)
    page = browser.new_page()
    page.set_viewport_size(SIZES["phone"])
    found = page_errors(page)
    page.goto(f"{live_server.url}{reverse('dashboard:home')}")
    with page.expect_navigation():
        page.locator("#noi-den a").click()
    page.select_option("#don-vi", "405")
    with page.expect_navigation():
        page.locator(".unit-filter button").click()
    assert "còn 40 chỗ" in page.locator("main").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / "health-places-phone.png"), full_page=True)
    assert found == []


def test_an_official_sees_the_proposal_beside_the_declared_level(
    browser, live_server, province_data, make_user, screenshot_dir
):
    official = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    page = browser.new_page()
    page.set_viewport_size(SIZES["phone"])
    found = page_errors(page)
    login(page, live_server.url, official.username, reverse("epidemic:overview"))
    assert page.locator("h1").inner_text() == "Cấp độ dịch"
    assert page.locator("#bang tbody tr:not(.criteria)").count() == len(province_data) + 1
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert "Tiêu chí 1" in page.locator("#bang").inner_text()
    page.screenshot(path=str(screenshot_dir / "health-official-levels-phone.png"), full_page=True)
    page.goto(f"{live_server.url}{reverse('dashboard:home')}")
    assert "chỉ cán bộ thấy" in page.locator("#levels").inner_text()
    page.locator("#levels").screenshot(path=str(screenshot_dir / "health-official-dashboard-phone.png"))
    assert found == []
