"""The transport layers of the QR text: the ``HC1:`` prefix, Base45 (RFC 9285) and zlib."""

import zlib

import base45

PREFIX = "HC1:"
# A certificate is a few hundred bytes; refuse to inflate a "zip bomb" beyond this.
MAX_DECOMPRESSED = 64 * 1024


class DccError(Exception):
    """A step of decoding or verifying failed; ``step`` names it (see ``verify.Step``)."""

    def __init__(self, step: str, detail: str = "") -> None:
        super().__init__(f"{step}: {detail}" if detail else step)
        self.step = step
        self.detail = detail


def unprefix(text: str) -> str:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise DccError("prefix", f"expected {PREFIX!r}")
    return text[len(PREFIX) :]


def b45decode(text: str) -> bytes:
    try:
        return base45.b45decode(text)
    except (ValueError, TypeError) as exc:
        raise DccError("base45", str(exc)) from exc


def decompress(data: bytes) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        out = decompressor.decompress(data, MAX_DECOMPRESSED)
    except zlib.error as exc:
        raise DccError("decompress", str(exc)) from exc
    if decompressor.unconsumed_tail or not decompressor.eof:
        raise DccError("decompress", "truncated or too large")
    return out


def encode(cose: bytes) -> str:
    """The QR text of a signed COSE message."""
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


def decode(text: str) -> bytes:
    """The COSE message inside a QR text (prefix, Base45, zlib)."""
    return decompress(b45decode(unprefix(text)))
