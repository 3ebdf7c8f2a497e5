"""Smoke test in Debian's Chromium: language switch on the home page, branded admin (after the
portal's login with its second factor)."""

import pytest
from django.conf import settings

from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_vietnamese_then_english(browser, live_server, screenshot_dir):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Dành cho người dân").is_visible()
    page.screenshot(path=str(screenshot_dir / "home-vi.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="EN").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="For citizens").is_visible()
    assert f"{settings.PROVINCE_NAME} Province" in page.locator(".brand-sub").inner_text()
    page.screenshot(path=str(screenshot_dir / "home-en.png"), full_page=True)


def test_admin_login_shows_the_branded_header(browser, live_server, django_user_model, screenshot_dir):
    django_user_model.objects.create_superuser("quantri", "quantri@example.gov.vn", "mat-khau-quan-tri-1")
    page = browser.new_page()
    # The admin has no login of its own: /admin/ goes to the portal's (password, then the code).
    page.goto(live_server.url + "/admin/")
    assert "/accounts/login/?next=/admin/" in page.url
    login(page, live_server.url, "quantri", next_url="/admin/", password="mat-khau-quan-tri-1")
    header = page.locator("#site-name").inner_text()
    assert header == f"Tổ công nghệ phòng, chống dịch COVID-19 — {settings.PROVINCE_NAME}"
    assert page.get_by_role("heading", name="Quản trị cổng thông tin").is_visible()
    page.screenshot(path=str(screenshot_dir / "admin.png"), full_page=True)
