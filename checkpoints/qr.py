"""QR images (PNG, SVG) and the printable A4 poster (WeasyPrint) of a checkpoint."""

import base64
import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from checkpoints.models import Checkpoint

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
# Hanoi's rule for printed venue codes: at least 15 × 15 cm. The poster prints the symbol itself
# (without its quiet zone, which the page's white margins provide) 154 mm wide.
POSTER_QR_MM = 154


def _qr(url: str, border: int = 4) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border, box_size=10)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    _qr(url).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str, border: int = 4) -> bytes:
    image = _qr(url, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode").encode()


def poster_pdf(checkpoint: Checkpoint, url: str) -> bytes:
    """A4, Vietnamese then English, the QR 16 cm wide, fonts bundled (no host fonts needed)."""
    from weasyprint import HTML

    svg = base64.b64encode(qr_svg(url, border=0)).decode()
    with translation.override("vi"):
        html = render_to_string(
            "checkpoints/poster.html",
            {
                "checkpoint": checkpoint,
                "url": url,
                "qr_data_uri": f"data:image/svg+xml;base64,{svg}",
                "qr_mm": POSTER_QR_MM,
                "font_regular": (FONT_DIR / "NotoSans-Regular.ttf").as_uri(),
                "font_bold": (FONT_DIR / "NotoSans-Bold.ttf").as_uri(),
                "province": settings.PROVINCE_NAME,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
