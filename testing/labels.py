"""Specimen labels (issue point 2): one 50 × 25 mm label a page for a label printer, or an A4
sheet of labels; the code as text and as a QR code (decodable by ``zbarimg`` from the PDF)."""

import base64
from collections.abc import Sequence
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.masking import mask_name
from testing.models import Sample

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def _qr_uri(text: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=10)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _labels(samples: Sequence[Sample]) -> list[dict[str, str]]:
    return [
        {
            "code": s.code,
            "qr": _qr_uri(s.code),
            # The label travels with the tube: the name masked, the birth year for a check.
            "name": mask_name(s.person.full_name),
            "year": str(s.person.birth_year or ""),
            "when": timezone.localtime(s.collected_at).strftime("%d/%m %H:%M"),
        }
        for s in samples
    ]


def labels_pdf(samples: Sequence[Sample], *, sheet: bool = False) -> bytes:
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(
            "testing/labels.html",
            {
                "labels": _labels(samples),
                "sheet": sheet,
                "font_regular": (FONT_DIR / "NotoSans-Regular.ttf").as_uri(),
                "font_bold": (FONT_DIR / "NotoSans-Bold.ttf").as_uri(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
