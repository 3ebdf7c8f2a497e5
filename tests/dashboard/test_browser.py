"""A real browser opens the dashboard and a unit page at phone and desktop sizes, in Vietnamese
and English (screenshots in var/screenshots/dashboard-*.png), with no CSP violation; the API
page lists the open data."""

import pytest
from django.urls import reverse

from dashboard.services import snapshot_refresh
from tests.actors import SYSTEM
from tests.browser import page_errors
from tests.dashboard.conftest import NOW, add_checkins, on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_dashboard_and_unit_page_in_both_languages(browser, live_server, week_data, screenshot_dir, size):
    ds, _ss, _quiet, person = week_data
    add_checkins(ds, person, on(24, 15), 3)  # a small count somewhere
    snapshot_refresh(actor=SYSTEM, now=NOW)
    page = browser.new_page()
    page.set_viewport_size(SIZES[size])
    found = page_errors(page)
    page.goto(f"{live_server.url}{reverse('dashboard:home')}")
    assert page.locator("h1").inner_text().startswith("Tình hình dịch bệnh")
    assert page.locator("#checkins strong").first.inner_text() == "15"
    assert page.locator("#testing .tiles").is_visible()  # the testing platform has landed
    assert page.locator("#xu-huong figure.chart svg[role=img]").count() == 1
    # Phone first: nothing wider than the screen but the tables' own scroll boxes.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / f"dashboard-home-vi-{size}.png"), full_page=True)
    # The chart's data table opens.
    page.locator("#xu-huong details summary").click()
    assert page.locator("#xu-huong details table").is_visible()
    # Sort by this week's check-ins, most first: Sầm Sơn (43) above Đông Sơn (41).
    # Each click loads a new page: wait for it, or the rows read may be the old page's or none.
    for _ in range(2):
        with page.expect_navigation():
            page.locator("#theo-don-vi thead a").nth(2).click()
    assert "dir=desc" in page.url
    names = page.locator("#theo-don-vi tbody th").all_inner_texts()
    assert names.index("Thành phố Sầm Sơn") < names.index("Huyện Đông Sơn")
    # A unit's permanent page.
    with page.expect_navigation():
        page.locator("#theo-don-vi tbody a", has_text="Huyện Đông Sơn").click()
    assert page.url.endswith(reverse("dashboard:unit", kwargs={"code": "405"}))
    assert page.locator("h1").inner_text() == "Huyện Đông Sơn"
    page.screenshot(path=str(screenshot_dir / f"dashboard-unit-vi-{size}.png"), full_page=True)
    # English.
    with page.expect_navigation():
        page.locator(".lang-switch a[lang=en]").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Check-ins today" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / f"dashboard-unit-en-{size}.png"), full_page=True)
    page.goto(f"{live_server.url}{reverse('dashboard:home')}")
    assert page.locator("h1").inner_text().startswith("Epidemic situation")
    assert "Samples taken today" in page.locator("#testing").inner_text()
    page.screenshot(path=str(screenshot_dir / f"dashboard-home-en-{size}.png"), full_page=True)
    assert found == []


def test_the_api_page_lists_the_open_data(browser, live_server, screenshot_dir):
    page = browser.new_page()
    found = page_errors(page)
    page.goto(f"{live_server.url}{reverse('api-docs')}")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    page.locator(".opblock-tag", has_text="public").first.wait_for()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/public/units/").count() >= 1
    page.screenshot(path=str(screenshot_dir / "dashboard-api-docs.png"))
    assert found == []
