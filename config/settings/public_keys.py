"""Keys that are public, hence never secret: the development defaults of ``local.py``, the keys of
the test settings and the placeholders of ``.env.example``. Production refuses every one of them
(``production.py``), and any key carrying the markers these use, so a copied example cannot start
a portal that holds citizens' personal data.
"""

import base64
import binascii

# Development defaults (local.py): published in the repository, so anyone can forge sessions or
# decrypt data protected by them.
DEV_SECRET_KEY = "local-development-key-not-for-production-use-0123456789"  # noqa: S105
DEV_FIELD_ENCRYPTION_KEY = "bG9jYWwtZGV2LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="
DEV_LOOKUP_HASH_KEY = "local-dev-lookup-key-not-for-production"
# The placeholder secret of .env.example.
EXAMPLE_SECRET_KEY = "change-me-to-at-least-50-random-characters-python-secrets-token-urlsafe"  # noqa: S105

KNOWN_KEYS = frozenset({DEV_SECRET_KEY, DEV_FIELD_ENCRYPTION_KEY, DEV_LOOKUP_HASH_KEY, EXAMPLE_SECRET_KEY})
# Words the repository's example and test keys carry (also inside base64-encoded Fernet keys).
MARKERS = ("not-for-production", "change-me", "changeme")

# How to make a real key, printed in the refusal.
GENERATE = {
    "DJANGO_SECRET_KEY": 'python -c "import secrets; print(secrets.token_urlsafe(64))"',
    "PORTAL_FIELD_ENCRYPTION_KEYS": (
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    ),
    "PORTAL_LOOKUP_HASH_KEY": 'python -c "import secrets; print(secrets.token_urlsafe(48))"',
    # The database password (POSTGRES_PASSWORD of docker-compose, inside DATABASE_URL).
    "DATABASE_URL": 'python -c "import secrets; print(secrets.token_hex(24))"',
}


def _decoded(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value.encode()).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return ""


def is_public(value: str) -> bool:
    """True for a key published in the repository or shaped like one of its examples."""
    if value in KNOWN_KEYS:
        return True
    texts = (value.lower(), _decoded(value).lower())
    return any(marker in text for marker in MARKERS for text in texts)


def how_to_generate(variable: str) -> str:
    return f"Generate one with: {GENERATE[variable]}"
