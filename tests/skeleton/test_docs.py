"""The repository stands alone: code and docs cite its own docs (docs/domain.md,
docs/conventions.md), never notes kept outside it (issue 13, point 14)."""

import re
import subprocess
from pathlib import Path

from tests.support import BASE_DIR

THIS_FILE = Path(__file__).resolve()
# Spelled in pieces so this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        [
            r"\b" + "DOMAIN" + r"\.md\b",
            r"\b" + "STYLE" + r"\.md\b",
            r"\.\./" + "shared\\b",
            "/work/" + "shared",
            r"\b" + "seeds" + r"/\d",
        ]
    )
)
BINARY = {".mo", ".ttf", ".png", ".jpg", ".ico", ".woff", ".woff2", ".pdf", ".xlsx", ".sqlite3"}
SKIP_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
CITATION = re.compile(r"docs/domain\.md\s+§(\d+)")


def tracked_files() -> list[Path]:
    """The files git tracks; the whole tree minus caches where there is no git checkout."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=BASE_DIR, capture_output=True, check=True, timeout=30
        ).stdout
        paths = [BASE_DIR / name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            path
            for path in BASE_DIR.rglob("*")
            if path.is_file() and not SKIP_DIRS & set(path.relative_to(BASE_DIR).parts)
        ]
    return [path for path in paths if path.is_file() and path.suffix not in BINARY]


def texts() -> dict[str, str]:
    return {
        path.relative_to(BASE_DIR).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in tracked_files()
        if path.resolve() != THIS_FILE
    }


def test_no_file_cites_notes_outside_the_repository():
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name, text in texts().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert offenders == [], "cite docs/domain.md or docs/conventions.md instead:\n" + "\n".join(offenders)


def test_the_projects_own_docs_exist():
    for name in ("docs/domain.md", "docs/conventions.md"):
        assert (BASE_DIR / name).is_file(), name


def test_every_domain_citation_names_an_existing_section():
    domain = (BASE_DIR / "docs" / "domain.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", domain, flags=re.MULTILINE))
    cited = {
        (name, number)
        for name, text in texts().items()
        for number in CITATION.findall(re.sub(r"\s+", " ", text))
    }
    assert cited, "the code cites docs/domain.md by section"
    missing = sorted((name, number) for name, number in cited if number not in sections)
    assert missing == []


def test_the_test_catches_an_outside_citation():
    """The pattern is what the other tests rely on: it must find each way of citing outside."""
    for line in (
        "# Retention (" + "DOMAIN" + ".md §3)",
        "see `" + "STYLE" + ".md` of the project",
        "data in ../" + "shared/data",
        "(" + "seeds" + "/003, an unsigned draft)",
    ):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("see docs/domain.md §3 and docs/conventions.md")
