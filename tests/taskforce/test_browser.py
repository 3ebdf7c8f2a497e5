"""In Chromium: the leader records a meeting's attendance and conclusions and turns a
conclusion into assignments, on a laptop; then the pages on a phone. Screenshots go to
var/screenshots/taskforce-*.png."""

import pytest
from django.utils import timezone

from taskforce.models import Assignment, Attendance
from tests.browser import login as browser_login

# serialized_rollback: the flush between transactional tests would drop the role groups
# (created by a migration).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(page, base: str, username: str) -> None:
    browser_login(page, base, username, "/taskforce/")


def test_meeting_attendance_and_conclusion_to_assignments(browser, live_server, tf, leader, screenshot_dir):
    page = browser.new_page()
    login(page, live_server.url, leader.username)
    assert page.get_by_role("heading", name="Tổ công nghệ phòng, chống dịch COVID-19").is_visible()
    page.screenshot(path=str(screenshot_dir / "taskforce-home-laptop.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="Họp giao ban").first.click()
    page.select_option(f"#status-{tf.leader.pk}", "present")
    page.select_option(f"#status-{tf.deputy.pk}", "excused")
    page.fill(f"#note-{tf.deputy.pk}", "Công tác Hà Nội")
    page.select_option(f"#status-{tf.member.pk}", "delegate")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu điểm danh").click()
    # Forgot the delegate's name: the page says so and keeps the choices.
    assert page.get_by_text("Vui lòng ghi tên người dự thay.").is_visible()
    assert page.input_value(f"#note-{tf.deputy.pk}") == "Công tác Hà Nội"
    page.fill(f"#delegate-{tf.member.pk}", "Trần Văn B")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu điểm danh").click()
    assert page.get_by_text("Đã ghi điểm danh 3 thành viên.").is_visible()

    page.fill("#id_conclusion-text", "VNPT, Viettel hỗ trợ các huyện đăng ký điểm kiểm dịch trước 30/9")
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi kết luận").click()
    item = page.locator(".tf-conclusions > li").filter(has_text="VNPT, Viettel hỗ trợ")
    item.locator("summary").click()
    item.get_by_label("Đỗ Kiên").check()
    item.get_by_label("Nguyễn Bá Cẩn").check()
    item.locator("input[type=date]").fill("2030-09-30")
    page.screenshot(path=str(screenshot_dir / "taskforce-meeting-laptop.png"), full_page=True)
    with page.expect_navigation():
        item.get_by_role("button", name="Giao nhiệm vụ").click()
    assert page.get_by_text("Đã giao 2 nhiệm vụ từ kết luận.").is_visible()

    made = Assignment.objects.filter(conclusion__text__startswith="VNPT, Viettel")
    assert {str(a.assignee_member and a.assignee_member.full_name) for a in made} == {
        "Đỗ Kiên",
        "Nguyễn Bá Cẩn",
    }
    assert all(a.due_on.isoformat() == "2030-09-30" and a.assigned_by == tf.leader for a in made)
    statuses = dict(Attendance.objects.filter(meeting=tf.meeting).values_list("member__full_name", "status"))
    assert statuses == {"Nguyễn Văn Tước": "present", "Nguyễn Bá Cẩn": "excused", "Đỗ Kiên": "delegate"}
    page.screenshot(path=str(screenshot_dir / "taskforce-meeting-after.png"), full_page=True)
    assert timezone.now()


def test_pages_on_a_phone(browser, live_server, tf, leader, screenshot_dir):
    page = browser.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server.url, leader.username)
    widths = {}
    for name, path in (
        ("home", "/taskforce/"),
        ("meeting", f"/taskforce/meetings/{tf.meeting.pk}/"),
        ("assignments", "/taskforce/assignments/?show=all"),
        ("adoption", "/taskforce/adoption/"),
    ):
        page.goto(live_server.url + path)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(screenshot_dir / f"taskforce-{name}-phone.png"), full_page=True)
    assert all(w <= 375 for w in widths.values()), widths  # no sideways scrolling
