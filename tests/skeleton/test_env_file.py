"""``.env`` is read before any setting, so it can set ``PORTAL_VAR_DIR`` too (issue 13, point 15).

The settings read ``.env`` beside the checkout (``BASE_DIR``), so the test runs a copy of
``config/`` in a temporary folder with its own ``.env``: the real checkout is left alone.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import BASE_DIR, project_env

CODE = (
    "from config.settings import local as s\n"
    "print(s.VAR_DIR)\n"
    "print(s.DATABASES['default']['NAME'])\n"
    "print(s.CACHES['default']['LOCATION'])\n"
    "print(s.MEDIA_ROOT)\n"
)


def settings_with_env_file(tmp_path: Path, env_file: str, **environ: str | None) -> list[str]:
    checkout = tmp_path / "checkout"
    shutil.copytree(BASE_DIR / "config", checkout / "config", ignore=shutil.ignore_patterns("__pycache__"))
    (checkout / ".env").write_text(env_file, encoding="utf-8")
    overrides: dict[str, str | None] = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "PORTAL_VAR_DIR": None,
        "PORTAL_MEDIA_ROOT": None,
        "DATABASE_URL": None,
        "REDIS_URL": None,
        "PYTHONPATH": str(checkout),
        **environ,
    }
    env = project_env(**overrides)
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=checkout, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_env_file_sets_the_var_dir(tmp_path):
    var = tmp_path / "from-env-file"
    var_dir, database, cache, media = settings_with_env_file(tmp_path, f"PORTAL_VAR_DIR={var}\n")
    assert var_dir == str(var)
    assert database == str(var / "portal.sqlite3")
    assert cache == str(var / "cache")
    assert media == str(var / "media")
    assert (var / "celery" / "queue").is_dir()
    assert not (tmp_path / "checkout" / "var").exists()


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    var = tmp_path / "from-environment"
    var_dir, *_ = settings_with_env_file(
        tmp_path, f"PORTAL_VAR_DIR={tmp_path / 'from-env-file'}\n", PORTAL_VAR_DIR=str(var)
    )
    assert var_dir == str(var)
