"""Settings per environment: production fails closed; the embedded default runs SQLite in WAL."""

import base64
import os
import subprocess
import sys

import pytest

from tests.support import BASE_DIR, project_env, run_manage

FERNET_KEY = base64.urlsafe_b64encode(b"0123456789abcdef0123456789abcdef").decode()
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-tests-only-" + "y" * 20,
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.vn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/does_not_matter_for_import",
    "PORTAL_FIELD_ENCRYPTION_KEYS": FERNET_KEY,
    "PORTAL_LOOKUP_HASH_KEY": "lookup-key-for-tests-only-0123456789abcdef",
}


def django_setup(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production_env(**overrides: str | None) -> dict[str, str]:
    return project_env(**{**PRODUCTION_ENV, "REDIS_URL": None, **overrides})


def test_production_starts_with_everything_set():
    result = django_setup(production_env())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "PORTAL_FIELD_ENCRYPTION_KEYS",
        "PORTAL_LOOKUP_HASH_KEY",
    ],
)
def test_production_refuses_to_start_without(missing):
    result = django_setup(production_env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_a_malformed_encryption_key():
    result = django_setup(production_env(PORTAL_FIELD_ENCRYPTION_KEYS="not-a-fernet-key"))
    assert result.returncode != 0
    assert "not a Fernet key" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = django_setup(production_env(DJANGO_SECRET_KEY="short"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_sqlite_unless_allowed():
    result = django_setup(production_env(DATABASE_URL="sqlite:////tmp/portal-prod-test.sqlite3"))
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_production_check_deploy_reports_no_issues():
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.postgres
@pytest.mark.slow
def test_production_migrates_a_fresh_postgresql_database(scratch_database):
    """What the compose file's ``migrate`` step runs, against a throw-away database."""
    env = production_env(DATABASE_URL=scratch_database)
    result = run_manage(["migrate", "--noinput"], env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_manage(["makemigrations", "--check", "--dry-run"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_embedded_mode_runs_sqlite_in_wal(tmp_path):
    """The embedded default (local settings, no DATABASE_URL) puts SQLite in WAL mode.

    Runs in a child process with its own var/ folder, so it checks the embedded settings even
    when the suite itself runs on PostgreSQL.
    """
    env = project_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL=None,
        REDIS_URL=None,
    )
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA foreign_keys'); print(c.fetchone()[0])\n"
        "print(connection.settings_dict['NAME'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    journal_mode, foreign_keys, name = result.stdout.split()
    assert journal_mode == "wal"
    assert foreign_keys == "1"
    assert name == str(tmp_path / "portal.sqlite3")


@pytest.mark.django_db
def test_the_suite_database_is_what_the_environment_says():
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
