"""The QR downloads and the A4 poster: zbar must read back the exact URL, at least 15 × 15 cm."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from PIL import Image

from tests.conftest import unavailable

pytestmark = pytest.mark.django_db

DPI = 150


def _tools() -> None:
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (poppler-utils, zbar-tools)")


def zbar(path) -> str:
    result = subprocess.run(
        ["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def qr_height_cm(png) -> float:
    """Height of the tallest block of consecutive inked rows (gaps under 1 cm ignored): the QR
    symbol, since the poster keeps text at least 1.5 cm away from it."""
    image = Image.open(png).convert("L")
    width, height = image.size
    data = image.tobytes()
    inked = [any(data[y * width + x] < 128 for x in range(0, width, 2)) for y in range(height)]
    gap_limit = int(DPI / 2.54)
    best_len, start, last = 0, -1, -(10**9)
    for y, dark in enumerate(inked):
        if not dark:
            continue
        if y - last > gap_limit:
            start = y
        last = y
        best_len = max(best_len, last - start + 1)
    assert best_len > 0
    return best_len / DPI * 2.54


def test_poster_pdf_decodes_to_the_checkin_url(client, checkpoint, operator, tmp_path):
    _tools()
    client.force_login(operator)
    response = client.get(reverse("checkpoints:poster", kwargs={"pk": checkpoint.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Poster-Sans" in fonts  # the bundled Noto Sans, embedded
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = tmp_path / "page-1.png"
    expected = "http://testserver" + reverse("checkpoints:visit", kwargs={"token": checkpoint.qr_token})
    assert zbar(png) == expected
    size = qr_height_cm(png)
    assert 15.0 <= size <= 16.5, size


def test_png_and_svg_downloads_decode(client, checkpoint, operator, tmp_path):
    _tools()
    client.force_login(operator)
    expected = "http://testserver" + reverse("checkpoints:visit", kwargs={"token": checkpoint.qr_token})
    png = client.get(reverse("checkpoints:qr-png", kwargs={"pk": checkpoint.pk}))
    assert png["Content-Type"] == "image/png"
    (tmp_path / "qr.png").write_bytes(png.content)
    assert zbar(tmp_path / "qr.png") == expected
    svg = client.get(reverse("checkpoints:qr-svg", kwargs={"pk": checkpoint.pk}))
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<")
    # Render the SVG through WeasyPrint to check that it is a readable code too.
    import base64

    from weasyprint import HTML

    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.content).decode()
    HTML(string=f'<img src="{uri}" style="width:10cm">').write_pdf(tmp_path / "svg.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(tmp_path / "svg.pdf"), str(tmp_path / "svg")], check=True
    )
    assert zbar(tmp_path / "svg-1.png") == expected


def test_pending_checkpoint_has_no_qr(client, agency, make_user):
    from core.roles import Role
    from tests.checkpoints.conftest import make_checkpoint

    point = make_checkpoint(agency, approve=False)
    client.force_login(make_user(Role.AGENCY_OFFICER, organizations=[agency]))
    assert client.get(reverse("checkpoints:poster", kwargs={"pk": point.pk})).status_code == 403
