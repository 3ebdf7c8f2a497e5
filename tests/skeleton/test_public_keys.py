"""Production refuses the keys published in the repository (issue 15, point 6): the development
defaults of local.py, the placeholders of .env.example, and anything shaped like them."""

import base64
import json
import subprocess
import sys

import pytest

from tests.skeleton.test_settings import django_setup, production_env
from tests.support import BASE_DIR, project_env

GENERATORS = {
    "DJANGO_SECRET_KEY": 'python -c "import secrets; print(secrets.token_urlsafe(64))"',
    "PORTAL_FIELD_ENCRYPTION_KEYS": (
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    ),
    "PORTAL_LOOKUP_HASH_KEY": 'python -c "import secrets; print(secrets.token_urlsafe(48))"',
}


def local_defaults() -> dict[str, str]:
    """The keys local.py falls back to, read from the settings themselves (not copied here)."""
    code = (
        "import json\n"
        "from config.settings import local as s\n"
        "print(json.dumps({'DJANGO_SECRET_KEY': s.SECRET_KEY,"
        " 'PORTAL_FIELD_ENCRYPTION_KEYS': ','.join(s.FIELD_ENCRYPTION_KEYS),"
        " 'PORTAL_LOOKUP_HASH_KEY': s.LOOKUP_HASH_KEY}))\n"
    )
    env = project_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_SECRET_KEY=None,
        PORTAL_FIELD_ENCRYPTION_KEYS=None,
        PORTAL_LOOKUP_HASH_KEY=None,
        DATABASE_URL=None,
        REDIS_URL=None,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def env_example() -> dict[str, str]:
    values = {}
    for line in (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@pytest.mark.parametrize("variable", sorted(GENERATORS))
def test_production_refuses_the_development_key_of_local_settings(variable):
    result = django_setup(production_env(**{variable: local_defaults()[variable]}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} holds a development or example key" in result.stderr
    assert GENERATORS[variable] in result.stderr


def test_production_refuses_the_placeholder_secret_of_env_example():
    placeholder = env_example()["DJANGO_SECRET_KEY"]
    assert len(placeholder) >= 50  # long enough to pass the length check: only the new rule stops it
    result = django_setup(production_env(DJANGO_SECRET_KEY=placeholder))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY holds a development or example key" in result.stderr
    assert GENERATORS["DJANGO_SECRET_KEY"] in result.stderr


def test_production_refuses_the_example_database_password():
    password = env_example()["POSTGRES_PASSWORD"]
    url = f"postgres://portal:{password}@db:5432/portal"
    result = django_setup(production_env(DATABASE_URL=url))
    assert result.returncode != 0
    assert "example database password" in result.stderr


def test_production_refuses_a_development_key_kept_for_decryption_only():
    """A rotation list holding the development key behind a real one still exposes the data."""
    real = base64.urlsafe_b64encode(b"fedcba9876543210fedcba9876543210").decode()
    keys = f"{real},{local_defaults()['PORTAL_FIELD_ENCRYPTION_KEYS']}"
    result = django_setup(production_env(PORTAL_FIELD_ENCRYPTION_KEYS=keys))
    assert result.returncode != 0
    assert "PORTAL_FIELD_ENCRYPTION_KEYS holds a development or example key" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_SECRET_KEY", "my-own-key-not-for-production-but-copied-from-a-tutorial-0123456789"),
        ("PORTAL_FIELD_ENCRYPTION_KEYS", "dGVzdC1rZXktb25lLW5vdC1mb3ItcHJvZHVjdGlvbiE="),
        ("PORTAL_LOOKUP_HASH_KEY", "change-me-change-me-change-me-change-me"),
    ],
)
def test_production_refuses_keys_shaped_like_the_examples(variable, value):
    result = django_setup(production_env(**{variable: value}))
    assert result.returncode != 0
    assert f"{variable} holds a development or example key" in result.stderr


@pytest.mark.parametrize("variable", sorted(GENERATORS))
def test_a_missing_key_is_refused_with_the_way_to_generate_it(variable):
    result = django_setup(production_env(**{variable: None}))
    assert result.returncode != 0
    assert GENERATORS[variable] in result.stderr


def test_the_generators_printed_make_keys_production_accepts():
    """The one-liners of the messages, run as printed, give keys that start production."""
    made = {}
    for variable, line in GENERATORS.items():
        code = line.removeprefix('python -c "').removesuffix('"')
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        made[variable] = out.stdout.strip()
    result = django_setup(production_env(**made))
    assert result.returncode == 0, result.stderr
