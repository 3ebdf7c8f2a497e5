"""Choosing a ward level by level in Chromium at phone size (375 px), with JavaScript (the next
select fills from the units API) and without it (the "Cập nhật danh sách" round trip)."""

import pytest
from django.urls import reverse

from checkpoints.models import CheckIn, Checkpoint
from core.roles import Role
from declarations.models import Declaration
from tests.browser import login
from tests.core.fixtures import first_ward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 740}
REFRESH = "Cập nhật danh sách"


@pytest.fixture(autouse=True)
def _role_groups(db):
    """A transactional test before this one may have flushed the groups the migration created."""
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def phone(needs_chromium, _playwright_browser):
    """A phone-sized page factory: ``phone(js=False)`` turns JavaScript off."""
    contexts = []

    def open_page(*, js: bool):
        context = _playwright_browser.new_context(locale="vi-VN", viewport=PHONE, java_script_enabled=js)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _choose_ward(page, *, js: bool, district_select: str, ward_select: str, ward) -> None:
    refresh = page.get_by_role("button", name=REFRESH)
    assert refresh.is_visible() is (not js)
    assert page.locator(f"{ward_select} option").count() == 1  # only "—" before a district
    page.select_option(district_select, str(ward.parent_id))
    if js:
        page.locator(f"{ward_select} option").nth(1).wait_for(state="attached")  # no string eval: CSP
    else:
        with page.expect_navigation():
            refresh.click()
    wards = page.locator(f"{ward_select} option").count() - 1
    assert 0 < wards < 50  # the district's wards, not the province's 560
    page.select_option(ward_select, str(ward.pk))


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_officer_registers_a_checkpoint_choosing_the_ward_level_by_level(
    phone, live_server, make_user, agency, screenshot_dir, js
):
    officer = make_user(Role.AGENCY_OFFICER, organizations=[agency])
    page = phone(js=js)
    login(page, live_server.url, officer.username, reverse("checkpoints:register"))
    page.fill("#id_name", "Cổng chợ Rồng")
    page.select_option("#id_organization", str(agency.pk))
    page.select_option("#id_kind", "market")
    ward = first_ward("405")
    _choose_ward(page, js=js, district_select="#id_unit_district", ward_select="#id_unit", ward=ward)
    assert page.input_value("#id_name") == "Cổng chợ Rồng"  # kept across the round trip
    _no_sideways_scroll(page)
    name = f"register-ward-{'js' if js else 'nojs'}-phone.png"
    page.screenshot(path=str(screenshot_dir / name), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đăng ký").click()
    point = Checkpoint.objects.get(name="Cổng chợ Rồng")
    assert point.unit == ward


def test_visitor_chooses_the_address_ward_without_javascript(phone, live_server, checkpoint, screenshot_dir):
    page = phone(js=False)
    page.goto(live_server.url + reverse("checkpoints:visit", kwargs={"token": checkpoint.qr_token}))
    page.fill("#id_full_name", "Lê Thị Mai")
    page.fill("#id_birth_year", "1990")
    page.get_by_label("Nữ", exact=True).first.check()
    page.fill("#id_phone", "0987000111")
    ward = first_ward("405")
    _choose_ward(page, js=False, district_select="#id_district", ward_select="#id_ward", ward=ward)
    assert page.input_value("#id_full_name") == "Lê Thị Mai"
    _no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "visit-ward-nojs-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi khai báo").click()
    row = CheckIn.objects.get()
    assert Declaration.objects.get(checkins=row).address_unit == ward
