"""Unique certificate identifiers: ``URN:UVCI:01:VN:<opaque>#<checksum>``.

eHealth Network, "Guidelines on verifiable vaccination certificates – basic interoperability
elements", Annex 2: version 01, country, an opaque unique string, and an optional checksum by
the Luhn mod N algorithm over the whole identifier before ``#``, on the alphabet A–Z, 0–9, ``/``,
``:`` (N = 38). The Austrian test vectors' identifiers confirm that reading.
"""

import secrets
import string

ALPHABET = string.ascii_uppercase + string.digits + "/:"
PREFIX = "URN:UVCI:"
OPAQUE_LENGTH = 26  # 26 base-32 characters: 130 random bits


def luhn_mod_n(text: str) -> str:
    n = len(ALPHABET)
    factor = 2
    total = 0
    for char in reversed(text):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new(country: str = "VN", issuer: str = "") -> str:
    """A fresh identifier; ``issuer`` (A–Z, 0–9) is an optional issuing-entity segment."""
    opaque = "".join(
        secrets.choice(string.ascii_uppercase[:22] + string.digits) for _ in range(OPAQUE_LENGTH)
    )
    body = f"{PREFIX}01:{country}:{issuer + '/' if issuer else ''}{opaque}"
    return f"{body}#{luhn_mod_n(body)}"


def checksum_ok(uvci: str) -> bool:
    """True when the identifier carries a checksum and it matches."""
    body, sep, check = uvci.upper().partition("#")
    if not sep or len(check) != 1 or any(c not in ALPHABET for c in body):
        return False
    return luhn_mod_n(body) == check
