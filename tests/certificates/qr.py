"""Reading QR codes from pictures in tests (zbar through pyzbar, a development dependency)."""

import io
import shutil

from tests.conftest import unavailable


def read_qr(png: bytes) -> list[str]:
    """The texts of the QR codes in a PNG (empty when none can be read)."""
    try:
        from pyzbar import pyzbar
    except ImportError:  # pyzbar raises ImportError when libzbar0 is missing
        unavailable("pyzbar cannot load libzbar0 (apt-get install libzbar0)")
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (UnidentifiedImageError, OSError):
        return []
    return [code.data.decode("utf-8") for code in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])]


def require_tools(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed")
