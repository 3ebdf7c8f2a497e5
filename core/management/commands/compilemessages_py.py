"""Compile every ``locale/*/LC_MESSAGES/*.po`` to ``.mo`` with polib (no system gettext needed).

The ``.mo`` files are committed, so a fresh checkout runs translated without gettext tools;
``make messages`` runs this after ``makemessages``. Fuzzy entries are left out, as msgfmt does.
"""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def compiled_entries(po: polib.POFile) -> dict[tuple[str | None, str, str], tuple[str, ...]]:
    """What a catalog contributes to its ``.mo``: translated, non-fuzzy, non-obsolete entries."""
    result: dict[tuple[str | None, str, str], tuple[str, ...]] = {}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            strings = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            strings = (entry.msgstr,)
        result[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = strings
    return result


def mo_entries(mo: polib.MOFile) -> dict[tuple[str | None, str, str], tuple[str, ...]]:
    result: dict[tuple[str | None, str, str], tuple[str, ...]] = {}
    for entry in mo:
        if entry.msgid == "":
            continue  # the header
        if entry.msgid_plural:
            strings = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            strings = (entry.msgstr,)
        result[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = strings
    return result


class Command(BaseCommand):
    help = "Biên dịch các tệp .po thành .mo bằng polib (không cần gettext của hệ thống)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra .mo có khớp .po không.")

    def handle(self, *args: Any, **options: Any) -> None:
        po_paths = sorted(p for base in settings.LOCALE_PATHS for p in Path(base).glob("*/LC_MESSAGES/*.po"))
        stale = []
        for po_path in po_paths:
            mo_path = po_path.with_suffix(".mo")
            po = polib.pofile(str(po_path))
            if options["check"]:
                if not mo_path.exists() or mo_entries(polib.mofile(str(mo_path))) != compiled_entries(po):
                    stale.append(str(mo_path))
                continue
            # polib writes only translated entries (fuzzy and obsolete ones left out, as msgfmt).
            po.save_as_mofile(str(mo_path))
            self.stdout.write(f"{po_path} -> {mo_path.name} ({po.percent_translated()}%)")
        if stale:
            raise CommandError("Out of date: " + ", ".join(stale))
