"""The verification pages, the trust-list page and the certificate PDF."""

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import pdf, services
from certificates.dcc import codec
from certificates.models import SignerCertificate
from core import ratelimit
from core.models import AuditLog
from tests.certificates.conftest import make_certificate, pem
from tests.certificates.qr import read_qr, require_tools

pytestmark = pytest.mark.django_db
VERIFY = reverse("certificates:verify")


def test_the_public_page_needs_no_login_and_has_no_inline_script(client):
    response = client.get(VERIFY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="camera"' in html and "js/scan_camera.js" in html and 'id="id_payload"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"


def test_a_portal_certificate_verifies_on_its_page_and_shows_the_minimum(client, issued):
    html = client.post(VERIFY, {"payload": issued.qr_text}).content.decode()
    assert "Hợp lệ" in html and "Nguyễn Thị Hường" in html and "1990-04-02" in html and "2/2" in html
    for private in ("038085000001", "0912345678", issued.uvci, "Vaxzevria"):
        assert private not in html


def test_after_revocation_the_page_says_so(client, issued, lab_user):
    services.certificate_revoke(actor=lab_user, certificate=issued, reason="Cấp nhầm")
    html = client.post(VERIFY, {"payload": issued.qr_text}).content.decode()
    assert "Không hợp lệ" in html and "Chứng nhận đã bị thu hồi." in html


def test_a_modified_byte_fails_on_the_page(client, issued):
    message = codec.decode(issued.qr_text)
    forged = codec.encode(message.replace("Hường".encode(), "Hương".encode()))
    html = client.post(VERIFY, {"payload": forged}).content.decode()
    assert "Chữ ký không hợp lệ" in html and "Nguyễn" not in html


def test_an_empty_or_foreign_text_gets_a_clear_message(client, db):
    assert "Vui lòng dán hoặc quét mã chứng nhận." in client.post(VERIFY, {"payload": ""}).content.decode()
    assert "không bắt đầu bằng HC1:" in client.post(VERIFY, {"payload": "hello"}).content.decode()


def test_the_answer_in_english(client, issued):
    client.cookies["django_language"] = "en"
    html = client.post(VERIFY, {"payload": issued.qr_text}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Valid" in html and "Vaccination" in html


def test_the_api_answers_with_the_failing_step(client, issued):
    url = reverse("certificates-api:verify")
    ok = client.post(url, {"qr_text": issued.qr_text}, content_type="application/json").json()
    assert ok["valid"] and ok["failed_step"] is None and ok["certificate"]["name"] == "Nguyễn Thị Hường"
    bad = client.post(url, {"qr_text": "HC1:%%"}, content_type="application/json").json()
    assert bad == {"valid": False, "failed_step": "base45", "message": bad["message"], "certificate": None}


def test_the_trust_list_page_uploads_and_removes_with_audit(client, trust_manager):
    client.force_login(trust_manager)
    upload = SimpleUploadedFile("dsc.pem", pem(make_certificate()[1]))
    response = client.post(reverse("certificates:trust-list"), {"file": upload, "country": "de"})
    assert response.status_code == 302
    signer = SignerCertificate.objects.get()
    assert signer.country == "DE" and signer.active
    assert AuditLog.objects.filter(action="signer.upload", actor=trust_manager).count() == 1
    page = client.get(reverse("certificates:trust-list")).content.decode()
    assert signer.kid in page
    client.post(reverse("certificates:signer-remove", kwargs={"pk": signer.pk}), {"reason": "Hết dùng"})
    signer.refresh_from_db()
    assert not signer.active
    assert AuditLog.objects.get(action="signer.remove").reason == "Hết dùng"


def test_a_bad_upload_keeps_the_form_and_says_why(client, trust_manager):
    client.force_login(trust_manager)
    response = client.post(
        reverse("certificates:trust-list"), {"pem": "-----BEGIN CERTIFICATE-----\nxx", "country": "VN"}
    )
    assert response.status_code == 200
    assert "Tệp không phải chứng chỉ X.509" in response.content.decode()
    assert not SignerCertificate.objects.exists()


def test_anonymous_and_unprivileged_users_cannot_upload(client, make_user, province):
    from core.roles import Role

    data = {"pem": pem(make_certificate()[1]).decode(), "country": "VN"}
    response = client.post(reverse("certificates:trust-list"), data)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user(Role.LAB_STAFF, province_wide=True))
    assert client.post(reverse("certificates:trust-list"), data).status_code == 403
    assert not SignerCertificate.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="signer.").exists()


def test_the_pdf_carries_a_qr_that_verifies(issued, tmp_path, client):
    require_tools("pdftoppm", "zbarimg")
    (tmp_path / "c.pdf").write_bytes(pdf.certificate_pdf(issued))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "p")], check=True
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 1, "one A4 page"
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", str(pages[0])], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert scanned == issued.qr_text
    assert read_qr(pages[0].read_bytes()) == [issued.qr_text]
    html = client.post(VERIFY, {"payload": scanned}).content.decode()
    assert "Hợp lệ" in html
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Nguyễn Thị Hường" in text and "Date of birth" in text and issued.uvci in text.replace("\n", "")


def test_issuers_find_and_revoke_a_certificate(client, issued, lab_user):
    client.force_login(lab_user)
    page = client.get(reverse("certificates:issued"), {"uvci": issued.uvci[:20]}).content.decode()
    assert issued.uvci in page and "Nguyễn Thị ***" in page and "Hường" not in page
    url = reverse("certificates:revoke", kwargs={"pk": issued.pk})
    assert client.post(url, {"reason": " "}).status_code == 302
    issued.refresh_from_db()
    assert issued.revoked_at is None  # no reason, no revocation
    client.post(url, {"reason": "Cấp nhầm người"})
    issued.refresh_from_db()
    assert (
        issued.revoked_at and issued.revoked_by == lab_user and issued.revocation_reason == "Cấp nhầm người"
    )
    assert "Chứng nhận đã bị thu hồi." in client.post(VERIFY, {"payload": issued.qr_text}).content.decode()


def test_the_public_check_is_rate_limited(client, settings, db):

    settings.DCC_VERIFY_RATE_PER_DEVICE = 2
    client.cookies["cp_dev"] = ratelimit.new_device_cookie()  # a fresh signed device: other runs do not count
    codes = [client.post(VERIFY, {"payload": "HC1:X"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(VERIFY).status_code == 200  # reading the page is not counted
