"""In Chromium at phone size: a past due date is refused until "given earlier" is ticked, then
the assignment is overdue at once; the adoption page's per-platform tables. Screenshots go to
var/screenshots/taskforce-backdated-phone.png and taskforce-platforms-phone.png."""

import datetime

import pytest
from django.utils import timezone

from taskforce import services
from taskforce.models import Assignment, Platform
from tests.actors import SYSTEM
from tests.taskforce.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 740}


def test_back_dated_assignment_on_a_phone(browser, live_server, tf, leader, screenshot_dir):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    login(page, live_server.url, leader.username)
    page.goto(live_server.url + "/taskforce/assignments/")
    page.fill("#id_title", "Báo cáo đã giao bằng văn bản")
    page.select_option("#id_assignee_member", str(tf.member.pk))
    past = timezone.localdate() - datetime.timedelta(days=5)
    page.fill("#id_due_on", f"{past:%Y-%m-%d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Giao nhiệm vụ").click()
    assert page.get_by_text("Hạn hoàn thành đã qua.").first.is_visible()
    assert page.input_value("#id_title") == "Báo cáo đã giao bằng văn bản"
    page.get_by_label("Ghi nhận nhiệm vụ giao trước đây", exact=False).check()
    page.screenshot(path=str(screenshot_dir / "taskforce-backdated-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Giao nhiệm vụ").click()
    assert Assignment.objects.get(title="Báo cáo đã giao bằng văn bản").status == Assignment.Status.OVERDUE


def test_adoption_page_per_platform_on_a_phone(browser, live_server, tf, leader, screenshot_dir):
    week = timezone.localdate() - datetime.timedelta(days=7)
    services.usage_report_submit(
        actor=SYSTEM,
        organization=tf.syt,
        period_start=week,
        staff_count=40,
        staff_with_app=30,
        checkpoints_registered=2,
        scans_in_period=90,
        platforms=list(Platform.objects.filter(code__in=["qr-declaration", "vaccination"])),
    )
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    login(page, live_server.url, leader.username)
    page.goto(live_server.url + "/taskforce/adoption/")
    assert page.locator("#platform-adoption").is_visible()
    assert page.locator("#platform-by-agency").get_by_text("Sở Y tế").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "taskforce-platforms-phone.png"), full_page=True)
