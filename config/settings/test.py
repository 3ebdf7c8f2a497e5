"""Test settings: the same services as the environment says (SQLite by default)."""

import secrets

from .base import *
from .base import INSTALLED_APPS, VAR_DIR, env

SECRET_KEY = "test-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "core.notifications.LocmemSmsBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
FIELD_ENCRYPTION_KEYS = ["dGVzdC1rZXktb25lLW5vdC1mb3ItcHJvZHVjdGlvbiE="]
LOOKUP_HASH_KEY = "test-lookup-key"

# The suite's clients share one address and, between xdist workers, one cache: the limits are
# tested with explicit low values (override_settings), never hit by accident.
CHECKIN_RATE_PER_DEVICE = 10_000
DECLARATION_RATE_PER_DEVICE = 10_000
DCC_VERIFY_RATE_PER_DEVICE = 10_000
# Wrong passwords and codes (the fuzzed login form sends 25 for one account): the login
# throttle is tested with explicit low values (tests/core/test_login_throttle.py), never hit by
# another test's account of the same name.
LOGIN_FAILURES_PER_ACCOUNT = 10_000
LOGIN_FAILURES_PER_IP = 10_000
OTP_FAILURES_PER_ACCOUNT = 10_000
# The limiter's counts of one test process are its own: account names and ids repeat between
# runs and xdist workers, and counts outlive a run in Redis for up to two windows.
RATE_LIMIT_KEY_PREFIX = f"test-{secrets.token_hex(6)}"

# A demo document signer generated into var/dcc/ when no real one is configured.
DCC_DEMO_SIGNER = env.bool("PORTAL_DCC_DEMO_SIGNER", default=True)

# The dashboard reads its published version at every request (tests change it between requests).
DASHBOARD_TOKEN_TTL_SECONDS = 0.0

# A test-only app: models standing for apps still to come (tests/testapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]

# The same for the access limits (API tokens, the citizen check): tests set low ones explicitly.
API_TOKEN_RATE_PER_MINUTE = 10_000
CITIZEN_CHECK_SENDS_PER_PERSON = 10_000
CITIZEN_CHECK_SENDS_PER_ADDRESS = 10_000
CITIZEN_CHECK_VERIFIES_PER_ADDRESS = 10_000
