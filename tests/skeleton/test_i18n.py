"""Translation catalogs: English complete, compiled catalogs current, no string left out.

The source language is Vietnamese: msgids are Vietnamese, so ``vi`` msgstrs stay empty and
gettext falls back to the msgid. Every English entry must be translated.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from tests.conftest import unavailable
from tests.support import BASE_DIR, have_xgettext, project_env

LOCALE = BASE_DIR / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
PO_FILES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


Entries = dict[tuple[str | None, str, str], tuple[str, ...]]


def _strings(entry: polib.POEntry | polib.MOEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def compiled_entries(po: polib.POFile) -> Entries:
    """What a catalog contributes to its ``.mo``: translated, non-fuzzy, non-obsolete entries."""
    return {(e.msgctxt, e.msgid, e.msgid_plural): _strings(e) for e in po.translated_entries()}


def mo_entries(mo: polib.MOFile) -> Entries:
    """A compiled catalog's entries, without the header."""
    return {(e.msgctxt, e.msgid, e.msgid_plural): _strings(e) for e in mo if e.msgid != ""}


def test_catalogs_exist_for_both_languages():
    assert {p.parts[-3] for p in PO_FILES} >= {"vi", "en"}


def test_every_english_entry_is_translated():
    po = polib.pofile(str(EN_PO))
    assert len(po) > 0
    # polib's translated(): msgstr (every plural form) non-empty and not fuzzy.
    problems = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert problems == []


def test_english_keeps_the_placeholders():
    for entry in polib.pofile(str(EN_PO)):
        for placeholder in ("%(province)s", "%(name)s", "%(url)s", "%(code)s"):
            assert (placeholder in entry.msgid) == (placeholder in entry.msgstr), entry.msgid


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parts[-3])
def test_compiled_catalog_matches_its_source(po_path: Path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run make messages"
    assert mo_entries(polib.mofile(str(mo_path))) == compiled_entries(polib.pofile(str(po_path)))


def test_committed_catalogs_are_what_djangos_compilemessages_makes(tmp_path, settings, monkeypatch):
    """``make messages`` compiles with Django's compilemessages (GNU msgfmt --check-format); the
    ``.mo`` files are committed so that running the portal needs no gettext."""
    if shutil.which("msgfmt") is None:
        unavailable("msgfmt (gettext) is not installed")
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [str(copy)]
    monkeypatch.chdir(tmp_path)  # compilemessages also compiles every locale/ under the cwd
    call_command("compilemessages", verbosity=0)
    for po_path in PO_FILES:
        relative = po_path.with_suffix(".mo").relative_to(LOCALE)
        fresh = mo_entries(polib.mofile(str(copy / relative)))
        assert fresh == mo_entries(polib.mofile(str(LOCALE / relative))), f"run make messages: {relative}"


@pytest.mark.slow
def test_makemessages_finds_no_string_missing_from_the_english_catalog(tmp_path):
    if not have_xgettext():
        unavailable("xgettext (gettext) is not installed")
    # A copy of the sources, so the real catalogs are never rewritten by the test.
    copy = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "*.mo", ".*cache"),
    )
    env = project_env(PYTHONPATH=str(copy))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--ignore=.venv", "--ignore=var"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(EN_PO)) if not e.obsolete}
    missing = sorted(m for _, m in fresh - committed)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)
