"""In Chromium: a citizen walks the check page (send, wrong code, right code, on to the
protected page), and an administrator creates an API token in the admin and sees it once."""

import pytest

from core import services
from core.models import ApiToken, OutboundMessage
from core.roles import Role
from tests.actors import SYSTEM
from tests.browser import login
from tests.core.fixtures import person_data, sent_code

pytestmark = [
    pytest.mark.usefixtures("fresh_rate_limits"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("tests.core.test_citizen_check"),
]


def test_citizen_check_page_in_the_browser(browser, live_server, province, screenshot_dir):
    person = services.person_create(actor=SYSTEM, data=person_data(phone="0912345678"))
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/check/{person.pk}/")
    assert "09xx xxx 678" in page.content()
    page.get_by_role("button", name="Gửi mã").click()
    page.wait_for_selector("input[name=code]")
    page.screenshot(path=str(screenshot_dir / "citizen-check-code.png"), full_page=True)
    assert OutboundMessage.objects.filter(purpose="citizen_check").count() == 1
    code = sent_code("0912345678")
    page.fill("input[name=code]", f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Xác minh").click()
    page.wait_for_selector("text=Mã không đúng")
    page.screenshot(path=str(screenshot_dir / "citizen-check-wrong.png"), full_page=True)
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác minh").click()
    assert page.url.endswith(f"/done/{person.pk}/") and page.inner_text("body") == "ok"


def test_admin_creates_a_token_and_sees_it_once(browser, live_server, make_user, dong_son, screenshot_dir):
    manager = make_user(Role.SECRETARIAT, province_wide=True)
    org = services.organization_create(actor=SYSTEM, name="CDC Thanh Hóa", kind="department", unit=dong_son)
    page = browser.new_page()
    login(page, live_server.url, manager.username, "/admin/core/apitoken/add/")
    page.select_option("#id_organization", str(org.pk))
    page.fill("#id_name", "LIS Bệnh viện Đa khoa tỉnh")
    page.check("input[name=scopes][value=readonly]")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    raw = page.inner_text("#api-token")
    token = ApiToken.objects.get()
    assert raw.startswith(f"ptk_{token.prefix}_")
    page.screenshot(path=str(screenshot_dir / "api-token-created.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/core/apitoken/")
    assert raw not in page.content() and token.prefix in page.content()
    page.screenshot(path=str(screenshot_dir / "api-token-list.png"), full_page=True)
