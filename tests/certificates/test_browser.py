"""Real-browser tests in Debian's Chromium at phone size: paste a certificate on the public
verification page, scan one with the (fake) phone camera, and check one on the staff page."""

import pytest
from django.urls import reverse

from certificates import services
from tests.browser import login
from tests.conftest import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(autouse=True)
def _role_groups(db):
    """A transactional test before this one may have flushed the groups the migration created."""
    from django.contrib.auth.models import Group

    from core.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def _camera_video(path, text: str) -> None:
    """A Y4M clip for Chromium's fake camera: a phone held over a printed certificate."""
    import qrcode
    from PIL import Image

    width, height, size = 960, 720, 660
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
    code.add_data(text)
    image = code.make_image().get_image().convert("L").resize((size, size), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 200)
    frame.paste(image, ((width - size) // 2, (height - size) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2) * 2
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma)


def test_a_citizen_pastes_a_certificate_on_a_phone(browser, live_server, issued, lab_user, screenshot_dir):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("certificates:verify"))
    page.screenshot(path=str(screenshot_dir / "certificate-verify-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    assert page.get_by_role("button", name="Quét bằng camera").is_visible()
    page.fill("#id_payload", issued.qr_text)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
    verdict = page.locator("#verdict").inner_text()
    assert "Hợp lệ" in verdict and "Nguyễn Thị Hường" in verdict and "2/2" in verdict
    page.screenshot(path=str(screenshot_dir / "certificate-valid-phone.png"), full_page=True)

    services.certificate_revoke(actor=lab_user, certificate=issued, reason="Cấp nhầm")
    page.fill("#id_payload", issued.qr_text)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
    assert "Chứng nhận đã bị thu hồi." in page.locator("#verdict").inner_text()
    page.screenshot(path=str(screenshot_dir / "certificate-revoked-phone.png"), full_page=True)


def test_a_certificate_is_scanned_with_the_phone_camera(
    _playwright_browser, needs_chromium, live_server, issued, tmp_path, screenshot_dir
):
    """Linux Chromium has no BarcodeDetector: static/js/scan_camera.js reads the frames with jsQR."""
    video = tmp_path / "camera.y4m"
    _camera_video(video, issued.qr_text)
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
        page.goto(live_server.url + reverse("certificates:verify"))
        assert not page.evaluate("'BarcodeDetector' in window")
        with page.expect_navigation(timeout=20_000):
            page.get_by_role("button", name="Quét bằng camera").click()
        verdict = page.locator("#verdict").inner_text()
        assert "Hợp lệ" in verdict and "Nguyễn Thị Hường" in verdict
        page.screenshot(path=str(screenshot_dir / "certificate-camera-phone.png"), full_page=True)
    finally:
        camera_browser.close()


def test_checkpoint_staff_check_a_certificate(browser, live_server, issued, make_user, screenshot_dir):
    from core.roles import Role

    operator = make_user(Role.CHECKPOINT_OPERATOR)
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    url = reverse("certificates:staff-verify")
    login(page, live_server.url, operator.username, url)
    page.fill("#id_payload", issued.qr_text[:-3] + "AAA")
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
    assert "Không hợp lệ" in page.locator("#verdict").inner_text()
    page.screenshot(path=str(screenshot_dir / "certificate-staff-invalid-phone.png"), full_page=True)


def test_an_official_uploads_a_signer_to_the_trust_list(
    browser, live_server, province_trusted, trust_manager, tmp_path, screenshot_dir
):
    from tests.certificates.conftest import make_certificate, pem

    (tmp_path / "dsc.pem").write_bytes(pem(make_certificate()[1]))
    page = browser.new_page()
    url = reverse("certificates:trust-list")
    login(page, live_server.url, trust_manager.username, url)
    page.set_input_files("#id_file", str(tmp_path / "dsc.pem"))
    page.fill("#id_country", "AT")
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm vào danh sách").click()
    assert "Đã thêm chứng chỉ" in page.content()
    rows = page.locator("tbody tr").all_inner_texts()
    assert any(r.startswith("AT") and "mọi loại" in r for r in rows)
    assert any("VN (tỉnh)" in r and "Xét nghiệm, Tiêm chủng" in r for r in rows)
    page.screenshot(path=str(screenshot_dir / "certificate-trust-list.png"), full_page=True)
