"""First login in Chromium at phone size: the password, the enrolment page (QR code and the secret
as text), a code from the authenticator, the recovery codes shown once; then the next login
asks for the code. No Content Security Policy violation on the way."""

from base64 import b32decode

import pytest

from core.roles import Role
from core.twofactor import totp_now
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_first_login_enrols_at_phone_size(browser, live_server, make_user, province, screenshot_dir):
    user = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/accounts/login/?next=/portal/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/accounts/xac-thuc/dang-ky/" in page.url
    assert page.get_by_role("heading", name="Đăng ký xác thực hai bước").is_visible()
    qr = page.locator(".otp-qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None and 150 <= box["width"] <= PHONE["width"] and abs(box["width"] - box["height"]) < 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "otp-enrol-phone.png"), full_page=True)

    secret = page.locator("#otp-secret").inner_text().replace(" ", "").strip()
    key = b32decode(secret).hex()
    page.fill("#id_code", "000000" if totp_now(key) != "000000" else "111111")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "Mã xác thực không đúng" in page.locator("main").inner_text()
    page.fill("#id_code", totp_now(key))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith("/accounts/xac-thuc/ma-du-phong/")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(len(code) == 8 for code in codes)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "otp-recovery-codes-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    assert page.url.endswith("/portal/")
    page.goto(f"{live_server.url}/accounts/xac-thuc/ma-du-phong/")  # shown once
    assert page.url.endswith("/portal/")

    # Next login: the password, then the code page (the shared helper types the code).
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{live_server.url}/accounts/login/?next=/portal/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/accounts/xac-thuc/?next=" in page.url
    page.screenshot(path=str(screenshot_dir / "otp-verify-phone.png"), full_page=True)
    login(page, live_server.url, user.username)
    assert page.url.endswith("/portal/")
    assert problems == []
