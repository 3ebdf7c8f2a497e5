"""The printable certificate: one A4 page, Vietnamese and English, with its QR code.

The testing and vaccination apps call ``certificate_pdf`` with a certificate that
``services.certificate_issue`` returned; everything printed is read back from its signed QR
text, so the paper says exactly what the code says.
"""

import base64
import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from certificates.dcc import codec, cose, cwt, payload, verify
from certificates.models import IssuedCertificate

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
QR_MM = 80  # hcert §4: at least 35 mm; larger reads better from a crumpled print
KIND_EN = {"vaccination": "Vaccination", "test": "Test", "recovery": "Recovery"}
RESULT_EN = {payload.NOT_DETECTED: "Not detected", payload.DETECTED: "Detected"}


def qr_svg(text: str) -> bytes:
    # Error correction Q, as hcert §4 recommends; the text is all QR alphanumeric characters.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()


def certificate_pdf(certificate: IssuedCertificate) -> bytes:
    from weasyprint import HTML

    data = cwt.decode(cose.decode(codec.decode(certificate.qr_text)).payload).payload
    svg = base64.b64encode(qr_svg(certificate.qr_text)).decode()
    with translation.override("vi"):
        summary = verify.summary(data)  # its labels in Vietnamese, English beside them
        entry = payload.entry_of(data)
        product = payload.value_set("vaccine-medicinal-product").get(entry.get("mp", ""), entry.get("mp", ""))
        html = _render(certificate, summary, entry, product, svg)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _render(
    certificate: IssuedCertificate, summary: verify.Summary, entry: dict, product: str, svg: str
) -> str:
    return render_to_string(
        "certificates/certificate_pdf.html",
        {
            "certificate": certificate,
            "summary": summary,
            "entry": entry,
            "product": product,
            "kind_en": KIND_EN.get(summary.kind, summary.kind),
            "result_en": RESULT_EN.get(entry.get("tr", ""), ""),
            "issued": timezone.localtime(certificate.issued_at),
            "expires": timezone.localtime(certificate.expires_at),
            "qr_data_uri": f"data:image/svg+xml;base64,{svg}",
            "qr_mm": QR_MM,
            "font_regular": (FONT_DIR / "NotoSans-Regular.ttf").as_uri(),
            "font_bold": (FONT_DIR / "NotoSans-Bold.ttf").as_uri(),
            "province": settings.PROVINCE_NAME,
        },
    )
