"""The error pages and the site font of text areas in Debian's Chromium, at phone size."""

import pytest

from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture(autouse=True)
def error_urls(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.skeleton.error_urls"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_text_areas_use_the_site_font(phone, live_server):
    phone.goto(live_server.url + "/")
    body, textarea = phone.evaluate(
        """() => {
            const area = document.createElement('textarea');
            document.querySelector('main').append(area);
            return [getComputedStyle(document.body).fontFamily, getComputedStyle(area).fontFamily];
        }"""
    )
    assert "Noto Sans" in body
    assert textarea == body


def test_404_in_vietnamese_then_english(phone, live_server, screenshot_dir):
    response = phone.goto(live_server.url + "/khong-co-trang-nay/")
    assert response.status == 404
    assert phone.get_by_role("heading", name="Không tìm thấy trang").is_visible()
    assert fits_the_phone(phone)
    phone.screenshot(path=str(screenshot_dir / "error-404-vi-phone.png"), full_page=True)

    with phone.expect_navigation():
        phone.get_by_role("button", name="EN").click()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Page not found").is_visible()
    phone.screenshot(path=str(screenshot_dir / "error-404-en-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("link", name="Back to the home page").click()
    assert phone.url == live_server.url + "/"


def test_403_for_an_official_without_the_role(phone, live_server, django_user_model, screenshot_dir):
    django_user_model.objects.create_user(username="khongvaitro", password="mat-khau-dai-123")
    login(phone, live_server.url, "khongvaitro", password="mat-khau-dai-123")
    response = phone.goto(live_server.url + "/taskforce/")
    assert response.status == 403
    assert phone.get_by_role("heading", name="Bạn không có quyền xem trang này").is_visible()
    assert phone.get_by_role("link", name="Về trang làm việc").is_visible()
    assert fits_the_phone(phone)
    phone.screenshot(path=str(screenshot_dir / "error-403-vi-phone.png"), full_page=True)


@pytest.mark.parametrize(
    ("path", "status", "heading", "name"),
    [
        ("/test-errors/crash/", 500, "Đã có lỗi ở máy chủ", "error-500-phone.png"),
        ("/test-errors/unavailable/", 503, "Cổng thông tin tạm ngừng phục vụ", "error-503-phone.png"),
    ],
)
def test_plain_error_pages(phone, live_server, screenshot_dir, path, status, heading, name):
    response = phone.goto(live_server.url + path)
    assert response.status == status
    assert phone.get_by_role("heading", name=heading).is_visible()
    # The stylesheet loaded: the header bar has the brand colour.
    colour = phone.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert colour == "rgb(11, 83, 148)"
    assert fits_the_phone(phone)
    phone.screenshot(path=str(screenshot_dir / name), full_page=True)
