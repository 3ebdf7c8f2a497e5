"""Real-browser test in Debian's Chromium: a data-protection officer records a person's request
for deletion, reads what would go and what must stay, deletes, and opens the access report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core import services as core_services
from core.audit import audit_read
from core.models import Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.browser import login
from tests.core.fixtures import person_data
from tests.testapp.models import Sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _role_groups(db):
    """A transactional test before this one may have flushed the groups the migration created."""
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def test_an_officer_handles_a_deletion_request_and_reads_the_access_report(
    browser, live_server, make_user, province, screenshot_dir
):
    officer = make_user(Role.DATA_PROTECTION_OFFICER, province_wide=True)
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    Sample.objects.create(person=person, label="XN-42")
    audit_read(actor=epi, target=Person, ids=[person.pk], purpose="truy vết ca F0 số 8")
    page = browser.new_page()
    login(page, live_server.url, officer.username, next_url=reverse("privacy:requests"))
    page.select_option("#id_kind", "erasure")
    page.fill("#id_subject_name", "Nguyễn Văn An")
    page.fill("#id_id_number", "038085000001")
    page.select_option("#id_identity_check", "chip_card")
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi nhận yêu cầu").click()
    body = page.locator("main").inner_text()
    assert "038085000001" in body and "truy vết ca F0 số 8" in body and "XN-42" in body
    assert "Chưa có quy định lưu trữ" in body  # the sample is kept, and the page says why
    page.screenshot(path=str(screenshot_dir / "privacy-request-plan.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa dữ liệu được phép xóa").click()
    body = page.locator("main").inner_text()
    assert "anonymise" in body and "Đã xóa dữ liệu được phép xóa" in body
    page.screenshot(path=str(screenshot_dir / "privacy-request-done.png"), full_page=True)
    assert Person.objects.get(pk=person.pk).phone == ""

    page.goto(live_server.url + reverse("privacy:access-reports"))
    page.fill("#id_month", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Lập báo cáo").click()
    body = page.locator("main").inner_text()
    assert epi.username in body and "truy vết ca F0 số 8" in body
    assert timezone.localdate().strftime("%m/%Y") in body
    page.screenshot(path=str(screenshot_dir / "privacy-access-report.png"), full_page=True)
