"""Machine-readable names for ``fnt``/``gnt``: ICAO Doc 9303 part 3 §6 transliteration.

Vietnamese letters lose their diacritics (Nguyễn → NGUYEN, Hường → HUONG) and Đ becomes D;
the Latin letters ICAO spells out (Ä → AE, ß → SS, ...) follow its table; spaces and hyphens
become ``<``; anything else is dropped. The schema allows ``^[A-Z<]*$``, 80 characters at most.
"""

import re
import unicodedata

MAX_LENGTH = 80
# ICAO 9303-3 §6.A: multi-letter transliterations (the rest only lose their accents).
SPECIAL = {
    "Đ": "D",
    "Ð": "D",
    "Ä": "AE",
    "Æ": "AE",
    "Å": "AA",
    "Ö": "OE",
    "Ø": "OE",
    "Œ": "OE",
    "Ü": "UE",
    "ß": "SS",
    "Þ": "TH",
    "Ĳ": "IJ",
    "Ł": "L",
    "Ħ": "H",
    "Ŧ": "T",
    "Ŋ": "N",
}


def transliterate(name: str) -> str:
    out = []
    for char in name.upper().replace("ẞ", "ß"):
        if char in SPECIAL:
            out.append(SPECIAL[char])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(base)
    text = re.sub(r"[\s\-]+", "<", "".join(out).strip())
    return re.sub(r"[^A-Z<]", "", text).strip("<")[:MAX_LENGTH]


def split_vietnamese(full_name: str) -> tuple[str, str]:
    """Family name and given names of a name written in Vietnamese order (family name first)."""
    words = full_name.split()
    if not words:
        return "", ""
    return words[0], " ".join(words[1:])
