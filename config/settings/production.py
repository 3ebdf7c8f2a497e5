"""Production: fails closed. Every secret and host must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import DATABASES, env
from .public_keys import how_to_generate, is_public


def _refuse_public(variable: str, values: list[str]) -> None:
    """The development keys of local.py and the placeholders of .env.example are public."""
    if any(is_public(value) for value in values):
        raise ImproperlyConfigured(
            f"{variable} holds a development or example key published in the repository; "
            f"production needs its own. {how_to_generate(variable)}"
        )


DEBUG = False
# env.str / env.list without a default raise ImproperlyConfigured when the variable is missing.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY must be at least 50 random characters. {how_to_generate('DJANGO_SECRET_KEY')}"
    )
_refuse_public("DJANGO_SECRET_KEY", [SECRET_KEY])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name at least one host.")
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL is required in production (PostgreSQL).")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.bool(
    "PORTAL_ALLOW_SQLITE", default=False
):
    raise ImproperlyConfigured("Production needs PostgreSQL; set PORTAL_ALLOW_SQLITE=1 to run embedded.")
# .env.example's POSTGRES_PASSWORD placeholder ends up in DATABASE_URL through docker-compose.
if is_public(str(DATABASES["default"].get("PASSWORD") or "")):
    raise ImproperlyConfigured(
        "DATABASE_URL holds the example database password (POSTGRES_PASSWORD in .env.example); "
        f"set a real one. {how_to_generate('DATABASE_URL')}"
    )
# Personal data is encrypted at rest (core.crypto); without real keys nothing may start.
if not env.str("PORTAL_FIELD_ENCRYPTION_KEYS", default=""):
    raise ImproperlyConfigured(
        "PORTAL_FIELD_ENCRYPTION_KEYS is required in production (Fernet keys). "
        + how_to_generate("PORTAL_FIELD_ENCRYPTION_KEYS")
    )
try:
    from cryptography.fernet import Fernet

    for _key in env.list("PORTAL_FIELD_ENCRYPTION_KEYS"):
        Fernet(_key.encode())
except ValueError as _exc:
    raise ImproperlyConfigured(
        "PORTAL_FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key. "
        + how_to_generate("PORTAL_FIELD_ENCRYPTION_KEYS")
    ) from _exc
_refuse_public("PORTAL_FIELD_ENCRYPTION_KEYS", env.list("PORTAL_FIELD_ENCRYPTION_KEYS"))
if len(env.str("PORTAL_LOOKUP_HASH_KEY", default="")) < 32:
    raise ImproperlyConfigured(
        "PORTAL_LOOKUP_HASH_KEY (at least 32 random characters) is required in production. "
        + how_to_generate("PORTAL_LOOKUP_HASH_KEY")
    )
_refuse_public("PORTAL_LOOKUP_HASH_KEY", [env.str("PORTAL_LOOKUP_HASH_KEY")])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The container's health check calls these over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
