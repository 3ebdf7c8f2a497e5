"""The whole path in Debian's Chromium at phone size: a person books a session on a phone, the
site screens and records the dose, the certificate PDF is downloaded, and the QR read from the
PDF (pdftoppm + zbarimg) verifies on the public verification page."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundMessage
from core.roles import Role
from tests.actors import SYSTEM
from tests.browser import login
from tests.certificates.qr import require_tools
from tests.core.fixtures import first_ward, sent_code
from vaccination import services
from vaccination.models import Appointment, Dose, Vaccine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(autouse=True)
def _role_groups(db):
    """A transactional test before this one may have flushed the groups the migration created."""
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def test_book_vaccinate_download_and_verify_on_a_phone(
    browser, live_server, make_user, dong_son, province_trusted, screenshot_dir, tmp_path
):
    require_tools("pdftoppm", "zbarimg")
    site = services.site_create(actor=SYSTEM, name="Trạm Y tế xã Đông Tiến", unit=first_ward("405"))
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    lot = services.lot_create(
        actor=SYSTEM,
        vaccine=vaccine,
        number="AZ2107",
        expiry_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    services.stock_receive(actor=SYSTEM, site=site, lot=lot, quantity=20)
    session = services.session_create(
        actor=SYSTEM, site=site, date=timezone.localdate(), vaccine=vaccine, capacity=30
    )
    staff = make_user(Role.VACCINATION_STAFF, units=[dong_son])

    # The person books on a phone.
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("vaccination:book"))
    page.select_option("#id_session", str(session.pk))
    page.fill("#id_full_name", "Trần Thị Mai")
    page.fill("#id_birth_date", "1960-04-02")
    page.locator("input[name=sex][value=female]").check()
    page.fill("#id_phone", "0912000111")
    page.fill("#id_id_number", "038160000222")
    page.screenshot(path=str(screenshot_dir / "vaccination-book-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    with page.expect_navigation():
        page.get_by_role("button", name="Đặt lịch", exact=True).click()
    appointment = Appointment.objects.get(session=session)
    assert appointment.code in page.locator("main").inner_text()
    assert "Trần Thị ***" in page.locator("main").inner_text()  # the name is masked on the page
    page.screenshot(path=str(screenshot_dir / "vaccination-booked-phone.png"), full_page=True)

    # The site screens and records the dose (staff on a phone-sized screen too).
    staff_page = browser.new_page()
    staff_page.set_viewport_size(PHONE)
    login(
        staff_page,
        live_server.url,
        staff.username,
        next_url=reverse("vaccination:session", args=[session.pk]),
    )
    with staff_page.expect_navigation():
        staff_page.get_by_role("link", name="Khám sàng lọc, tiêm").click()
    staff_page.check("#id_q_age_65")  # 61: no; but the box works. Unticked again below.
    staff_page.uncheck("#id_q_age_65")
    staff_page.select_option("#id_lot", str(lot.pk))
    staff_page.screenshot(path=str(screenshot_dir / "vaccination-screening-phone.png"), full_page=True)
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="Ghi nhận khám sàng lọc và mũi tiêm").click()
    dose = Dose.objects.get(person=appointment.person)
    due = dose.next_due_date
    assert due is not None and f"{due:%d/%m/%Y}" in staff_page.locator(".next-due").inner_text()
    staff_page.screenshot(path=str(screenshot_dir / "vaccination-dose-phone.png"), full_page=True)

    # The site issues the certificate (the staff page opens the signed PDF).
    with staff_page.expect_response(lambda r: r.url.endswith("/pdf/")) as pdf_response:
        staff_page.get_by_role("button", name="Cấp chứng nhận tiêm chủng (PDF)").click()
    assert pdf_response.value.status == 200

    # The person downloads it on the phone after the citizen check (a code by SMS).
    page.goto(live_server.url + reverse("vaccination:booked", args=[appointment.code]))
    with page.expect_navigation():
        page.get_by_role("link", name="Hồ sơ tiêm chủng, chứng nhận, hủy lịch").click()
    assert "/xac-minh/" in page.url  # not before the check
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi mã").click()
    sms = OutboundMessage.objects.filter(purpose="citizen_check").latest("id")
    assert sms.recipient == "0912000111"
    page.fill("#id_code", sent_code("0912000111"))
    page.screenshot(path=str(screenshot_dir / "vaccination-citizen-check-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác minh").click()
    assert f"{due:%d/%m/%Y}" in page.locator(".next-due").inner_text()
    page.screenshot(path=str(screenshot_dir / "vaccination-record-phone.png"), full_page=True)
    href = page.locator("#certificate").get_attribute("href")
    pdf = page.request.get(live_server.url + href).body()  # the page's session: after the check
    assert pdf.startswith(b"%PDF")
    (tmp_path / "c.pdf").write_bytes(pdf)
    (screenshot_dir / "vaccination-certificate.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "p")], check=True
    )
    (png,) = sorted(tmp_path.glob("p-*.png"))
    (screenshot_dir / "vaccination-certificate.png").write_bytes(png.read_bytes())
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert scanned.startswith("HC1:")

    # Its QR verifies on the public verification page, on the phone.
    page.goto(live_server.url + reverse("certificates:verify"))
    page.fill("#id_payload", scanned)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
    verdict = page.locator("#verdict").inner_text()
    assert "Hợp lệ" in verdict and "Trần Thị Mai" in verdict and "1/2" in verdict
    page.screenshot(path=str(screenshot_dir / "vaccination-verified-phone.png"), full_page=True)


def test_staff_register_a_wards_elderly_on_a_phone(browser, live_server, make_user, dong_son, screenshot_dir):
    """Issue 19 point 3: paste a list on a phone, choose the session, see who found no place."""
    site = services.site_create(actor=SYSTEM, name="Trạm Y tế xã Đông Tiến", unit=first_ward("405"))
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    session = services.session_create(
        actor=SYSTEM, site=site, date=timezone.localdate(), vaccine=vaccine, capacity=2
    )
    staff = make_user(Role.VACCINATION_STAFF, units=[dong_son])
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    login(page, live_server.url, staff.username, next_url=reverse("vaccination:session", args=[session.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Đăng ký tiêm theo danh sách").first.click()
    page.select_option("#id_session", str(session.pk))
    page.fill(
        "#id_lines",
        "Nguyễn Thị Lan;03/02/1948;0912000001\nTrần Văn Minh;1945;;038045000002\nLê Thị Hoa;1950;0912000003",
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng ký và đặt lịch").click()
    text = page.locator("main").inner_text()
    assert "Đã đặt lịch cho 2 người." in text and "Dòng 3: Lê Thị Hoa" in text
    page.screenshot(path=str(screenshot_dir / "vaccination-register-list-phone.png"), full_page=True)
    assert Appointment.objects.filter(session=session).count() == 2
