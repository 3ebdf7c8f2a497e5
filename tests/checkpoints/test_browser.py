"""Real-browser tests in Debian's Chromium at phone size: poster → declare → check in → check
out; staff scanning and paper entry; tracing finds the co-present visitors."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from checkpoints import qr
from checkpoints.models import CheckIn
from declarations.models import Declaration
from tests.browser import login
from tests.checkpoints.conftest import at, visit
from tests.conftest import CHROMIUM_ARGS, unavailable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(autouse=True)
def _role_groups(db):
    """A transactional test before this one may have flushed the groups the migration created."""
    from django.contrib.auth.models import Group

    from core.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def _decode_poster(checkpoint, base_url, tmp_path) -> str:
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed")
    url = base_url + reverse("checkpoints:visit", kwargs={"token": checkpoint.qr_token})
    (tmp_path / "poster.pdf").write_bytes(qr.poster_pdf(checkpoint, url))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "p")], check=True
    )
    return subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "p-1.png")], capture_output=True, text=True, check=True
    ).stdout.strip()


def _login(page, live_server, user, next_url):
    login(page, live_server.url, user.username, next_url)


def test_visitor_scans_poster_declares_checks_in_and_out(
    browser, live_server, checkpoint, tmp_path, screenshot_dir
):
    scanned = _decode_poster(checkpoint, live_server.url, tmp_path)
    assert scanned.endswith(f"/c/{checkpoint.qr_token}/")
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.ok and r.request.method == "GET" else None)
    page.goto(scanned)
    page.wait_for_load_state("networkidle")
    assert sum(sizes) < 50_000, sizes  # everything the first screen transfers
    assert page.get_by_role("heading", name=checkpoint.name).is_visible()
    page.screenshot(path=str(screenshot_dir / "checkin-form-phone.png"), full_page=True)
    page.fill("#id_full_name", "Phạm Thị Hoa")
    page.fill("#id_birth_year", "1978")
    page.get_by_label("Nữ", exact=True).first.check()
    page.fill("#id_phone", "0987654321")
    district = checkpoint.unit.parent
    page.select_option("#id_district", str(district.pk))  # wards load through the units API
    page.locator("#id_ward option").nth(1).wait_for(state="attached")  # no string eval: CSP
    page.select_option("#id_ward", str(checkpoint.unit.pk))
    page.get_by_role("checkbox", name="Ho", exact=True).check()  # the members' ticks stay folded
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi khai báo").click()
    assert page.locator(".ok.risk-symptoms").is_visible()
    assert checkpoint.name in page.locator(".ok").inner_text()
    page.screenshot(path=str(screenshot_dir / "checkin-done-phone.png"), full_page=True)
    row = CheckIn.objects.get()
    declaration = Declaration.objects.get(checkins=row)
    assert row.person.full_name == "Phạm Thị Hoa" and declaration.address_unit == checkpoint.unit
    assert declaration.symptoms == ["cough"]
    with page.expect_navigation():
        page.get_by_role("button", name="Tôi ra về (check-out)").click()
    assert "Đã ghi nhận ra lúc" in page.content()
    page.screenshot(path=str(screenshot_dir / "checkout-phone.png"), full_page=True)
    assert CheckIn.objects.get().checkout_method == CheckIn.Checkout.SCANNED


def _scan(page, code):
    """The hand-held scanner types into the focused field and presses Enter. Chromium applies
    `autofocus` at its next rendering step, which can come after the load event: wait for the
    focus as a scanner's operator sees the cursor before pulling the trigger."""
    expect(page.locator("#id_payload")).to_be_focused()
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_operator_scans_then_keys_in_a_paper_form(browser, live_server, checkpoint, operator, screenshot_dir):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    scan_url = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    _login(page, live_server, operator, scan_url)
    _scan(page, "038090001234||Lê Văn Quét|05061990|Nam|Thôn 2, Đông Sơn|01012021")
    assert "Đã ghi nhận vào: Lê Văn ***" in page.content()
    page.screenshot(path=str(screenshot_dir / "scan-ok-phone.png"), full_page=True)
    _scan(page, "not-a-code")
    assert "không phải mã QR cá nhân" in page.content()
    page.screenshot(path=str(screenshot_dir / "scan-error-phone.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("checkpoints:paper", kwargs={"pk": checkpoint.pk}))
    # Keyboard only: the name field has focus.
    expect(page.locator("#id_full_name")).to_be_focused()
    page.keyboard.type("Đỗ Thị Giấy")
    page.keyboard.press("Tab")  # birth date
    page.keyboard.press("Tab")  # birth year
    page.keyboard.type("1948")
    page.keyboard.press("Tab")  # sex: first radio
    page.keyboard.press("ArrowRight")  # Nữ
    page.keyboard.press("Tab")  # phone
    page.keyboard.type("0911222333")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.screenshot(path=str(screenshot_dir / "paper-saved.png"), full_page=True)
    assert "Đã lưu tờ khai của Đỗ Thị ***" in page.content()
    page.screenshot(path=str(screenshot_dir / "paper-saved.png"), full_page=True)
    paper = CheckIn.objects.get(method=CheckIn.Method.PAPER)
    assert paper.person.full_name == "Đỗ Thị Giấy" and paper.person.sex == "female"
    assert paper.entered_by == operator and Declaration.objects.get(checkins=paper).source == "paper"
    assert CheckIn.objects.filter(method=CheckIn.Method.STAFF, entered_by=operator).count() == 1


def _camera_video(path, text: str) -> None:
    """A Y4M clip for Chromium's fake camera: a phone held over a visitor's QR code."""
    import qrcode
    from PIL import Image

    width, height = 640, 480
    code = qrcode.make(text, border=4).get_image().convert("L").resize((400, 400), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 200)
    frame.paste(code, ((width - 400) // 2, (height - 400) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2) * 2  # grey: no colour
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma)


def test_operator_scans_a_visitors_code_with_the_phone_camera(
    _playwright_browser, needs_chromium, live_server, checkpoint, operator, tmp_path, screenshot_dir
):
    """Linux Chromium has no BarcodeDetector, so this runs the jsQR path of static/js/scan_camera.js
    (the one iPhones take) on a fake camera that films a chip ID card's QR code."""
    video = tmp_path / "camera.y4m"
    _camera_video(video, "038090005678||Hoàng Văn Cam|07081990|Nam|Thôn 3, Đông Sơn|01012021")
    camera_browser = _playwright_browser.browser_type.launch(
        executable_path=needs_chromium,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(locale="vi-VN", viewport=PHONE)
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        _login(page, live_server, operator, reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk}))
        assert not page.evaluate("'BarcodeDetector' in window")
        with page.expect_navigation(timeout=20_000):
            page.get_by_role("button", name="Dùng camera điện thoại").click()
        assert "Đã ghi nhận vào: Hoàng Văn ***" in page.content()
        page.screenshot(path=str(screenshot_dir / "scan-camera-phone.png"), full_page=True)
    finally:
        camera_browser.close()
    row = CheckIn.objects.get()
    assert (row.method, row.entered_by) == (CheckIn.Method.STAFF, operator)
    assert row.person.full_name == "Hoàng Văn Cam"  # UTF-8 of the QR code decoded as such


def test_tracing_finds_the_co_present_visitors(
    browser, live_server, checkpoint, epidemiologist, screenshot_dir
):
    base = at(6)
    visit(checkpoint, at=base)  # the case: Nguyễn Văn An, 038085000001
    visit(
        checkpoint,
        at=base + datetime.timedelta(minutes=10),
        id_number="038090000002",
        full_name="Lê Văn Bình",
        phone="0912000002",
    )
    visit(
        checkpoint,
        at=base + datetime.timedelta(hours=3),
        id_number="038090000003",
        full_name="Trần Văn Xa",
        phone="0912000003",
    )
    page = browser.new_page()
    _login(page, live_server, epidemiologist, reverse("checkpoints:trace"))
    page.fill("#id_id_number", "038085000001")
    page.fill("#id_start", (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_purpose", "Ca F0 số 7")
    with page.expect_navigation():
        page.locator("form[action$='/portal/tracing/'] button[type=submit]").click()
    assert "038085000001" not in page.url and "F0" not in page.url and "?s=" in page.url
    table = page.locator("table.contacts").inner_text()
    assert "Lê Văn Bình" in table and "0912000002" in table
    assert "Trần Văn Xa" not in table
    page.screenshot(path=str(screenshot_dir / "tracing.png"), full_page=True)


def test_a_chip_card_scanned_twice_is_answered_as_the_same_visit(
    browser, live_server, checkpoint, operator, screenshot_dir
):
    """Issue 13 point 1 at phone size: the second scan says "already checked in at HH:MM"."""
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    _login(page, live_server, operator, reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk}))
    for _ in range(2):
        _scan(page, "038090001234||Lê Văn Quét|05061990|Nam|Thôn 2, Đông Sơn|01012021")
    row = CheckIn.objects.get()
    hhmm = timezone.localtime(row.checked_in_at).strftime("%H:%M")
    assert f"Lê Văn *** đã vào lúc {hhmm}: cùng lượt vào, không ghi thêm." in page.content()
    page.screenshot(path=str(screenshot_dir / "scan-repeat-phone.png"), full_page=True)


def test_names_and_chip_cards_as_phones_and_scanners_send_them(
    browser, live_server, checkpoint, operator, screenshot_dir
):
    """Issue 13 points 2 and 3 at phone size: a lowercase name in decomposed Unicode (NFD, as
    some phone keyboards send it) is stored NFC and capitalised, the declared spelling kept on
    the declaration; a card code with a trailing separator, line break and spaces is read with
    its printed address; a code with a control character is named as such."""
    import unicodedata

    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/c/{checkpoint.qr_token}/")
    typed = unicodedata.normalize("NFD", "nguyễn thị  hường ")
    page.fill("#id_full_name", typed)
    page.fill("#id_birth_year", "1985")
    page.get_by_label("Nữ", exact=True).first.check()
    page.fill("#id_phone", "0977000111")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi khai báo").click()
    person = CheckIn.objects.get().person
    assert person.full_name == "Nguyễn Thị Hường"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert Declaration.objects.get(checkins__person=person).full_name == "nguyễn thị hường"

    _login(page, live_server, operator, reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk}))
    page.fill("#id_payload", " 038190004321 ||Trần Thị Thẻ |12031990|Nữ| Xóm 3, Đông Sơn |01012022|\n")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Đã ghi nhận vào: Trần Thị ***" in page.content()
    scanned = CheckIn.objects.get(method=CheckIn.Method.STAFF)
    assert scanned.person.full_name == "Trần Thị Thẻ"
    assert scanned.person.address_line == "Xóm 3, Đông Sơn"
    page.screenshot(path=str(screenshot_dir / "scan-card-spaces-phone.png"), full_page=True)
    page.fill("#id_payload", "038190004321|\x07|Trần Thị Thẻ|12031990|Nữ|Xóm 3|01012022")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Mã chứa ký tự không được phép" in page.content()
    assert CheckIn.objects.count() == 2
