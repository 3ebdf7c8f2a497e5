"""Text as people type it, made one form before it is stored (docs/domain.md §9).

Phone keyboards send decomposed Unicode (NFD: "e" + combining circumflex + combining tilde for
"ễ"), scanners add line breaks, people add spaces. Every text that reaches the database from a
person (forms, API, scans, imports) goes through ``clean_text`` once: NFC, no control or
invisible characters, trimmed, runs of spaces collapsed (line breaks kept in multi-line text).
Names of people are shown with ``display_name``: every syllable capitalised, as Vietnamese
names are written ("nguyễn văn a" → "Nguyễn Văn A").

The form field ``CleanCharField`` and the API field ``CleanSerializerCharField`` apply
``clean_text`` before length checks (an NFD name is longer than its NFC form).
"""

import re
import unicodedata
from typing import Any

from django import forms
from rest_framework import serializers

# Invisible characters phones and copy-paste insert: soft hyphen, zero-width space/joiners,
# word joiner, byte-order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[^\S\n]+")
_WORD_START = re.compile(r"(^|[\s\-'’])(\w)")


# The control characters (Unicode category Cc, a set the Unicode stability policy fixes:
# U+0000–U+001F and U+007F–U+009F) become spaces and the invisible ones go, in one pass of
# ``str.translate`` (an import cleans 100,000 rows: a per-character loop cost more than the rest).
_CONTROLS = dict.fromkeys((*range(32), *range(127, 160)), " ")
_SINGLE_LINE = {**_INVISIBLE, **_CONTROLS}
_MULTI_LINE = {k: v for k, v in _SINGLE_LINE.items() if k != ord("\n")}


def _drop_controls(text: str, *, multiline: bool) -> str:
    return text.translate(_MULTI_LINE if multiline else _SINGLE_LINE)


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """NFC, control and invisible characters dropped, trimmed, inner spaces collapsed.

    Single-line text (names, addresses) becomes one line; multi-line text keeps its line breaks
    (``\\r\\n`` becomes ``\\n``) with each line trimmed.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _drop_controls(text, multiline=multiline)
    if not multiline:
        return " ".join(text.split())
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def has_control_characters(value: str) -> bool:
    """True if ``value`` has a control character other than tab and line breaks."""
    return any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in value)


def _capitalize(word: str) -> str:
    # A word typed in mixed case ("McDonald", "DeLuca") was capitalised on purpose: kept.
    if word != word.lower() and word != word.upper():
        return word
    lowered = word.lower()
    return _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), lowered)


def display_name(value: Any) -> str:
    """A person's name as shown and stored on the person: ``clean_text`` and every syllable
    capitalised ("NGUYỄN văn a" → "Nguyễn Văn A"); a mixed-case word is kept as typed."""
    return " ".join(_capitalize(word) for word in clean_text(value).split(" ") if word)


class CleanCharField(forms.CharField):
    """A form ``CharField`` whose value is ``clean_text``-ed before it is validated."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        if value not in self.empty_values:
            value = clean_text(value, multiline=self.multiline)
        return super().to_python(value)


class CleanSerializerCharField(serializers.CharField):
    """An API ``CharField`` whose value is ``clean_text``-ed before it is validated."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str):
            data = clean_text(data, multiline=self.multiline)
        return super().run_validation(data)
