"""Settings shared by every environment, read from the environment (12-factor).

The defaults give the embedded mode: SQLite, a file-based cache shared between processes
and Celery on kombu's filesystem transport, so the portal runs with no external services.
``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` switches the cache and the broker.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# .env first: every setting below, PORTAL_VAR_DIR included, may come from it. Variables set in
# the real environment win over the file.
env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Province -----------------------------------------------------------------------------
PROVINCE_NAME = env.str("PORTAL_PROVINCE_NAME", default="Thanh Hóa")
PORTAL_SHORT_NAME = env.str("PORTAL_SHORT_NAME", default="Tổ công nghệ COVID-19")
# Administrative units: the 2021 three-level list is the default for a COVID-era deployment.
ADMIN_UNIT_SCHEME = env.str("PORTAL_ADMIN_UNIT_SCHEME", default="2021")
PROVINCE_CODE = env.str("PORTAL_PROVINCE_CODE", default="38")

# --- Personal data ------------------------------------------------------------------------
# Fernet keys, comma-separated: the first encrypts, all decrypt (rotation). HMAC key for look-ups.
FIELD_ENCRYPTION_KEYS = env.list("PORTAL_FIELD_ENCRYPTION_KEYS", default=[])
LOOKUP_HASH_KEY = env.str("PORTAL_LOOKUP_HASH_KEY", default="")
# During a rotation of the look-up key only: the earlier key(s), still consulted by look-ups
# until the background re-hash is done (docs/operations.md, "Key rotation"). Empty otherwise.
LOOKUP_HASH_PREVIOUS_KEYS = env.list("PORTAL_LOOKUP_HASH_PREVIOUS_KEYS", default=[])
# Rows re-encrypted / re-hashed per short transaction by the key rotation.
KEY_ROTATION_BATCH = env.int("PORTAL_KEY_ROTATION_BATCH", default=500)
# The monthly access report (privacy app, docs/security.md): an official is flagged when the
# records they read in the month exceed FACTOR × the median of the other officials holding one
# of their roles (those who read anything that month), and at least MIN_RECORDS.
ACCESS_REPORT_OUTLIER_FACTOR = env.float("PORTAL_ACCESS_REPORT_OUTLIER_FACTOR", default=3.0)
ACCESS_REPORT_MIN_RECORDS = env.int("PORTAL_ACCESS_REPORT_MIN_RECORDS", default=50)
# When the report of the month just ended is made and sent (5-field cron, Asia/Ho_Chi_Minh).
ACCESS_REPORT_CRON = env.str("PORTAL_ACCESS_REPORT_CRON", default="0 6 1 * *")
# Which level plays the district's part in tables and scoping: district (2021) or ward (2025).
REPORTING_LEVEL = env.str(
    "PORTAL_REPORTING_LEVEL", default="district" if ADMIN_UNIT_SCHEME == "2021" else "ward"
)

# --- Checkpoints and declarations -----------------------------------------------------------
# Retention per data category (docs/retention.md: no Vietnamese period found; 21 days as NHS).
CHECKIN_RETENTION_DAYS = env.int("PORTAL_CHECKIN_RETENTION_DAYS", default=21)
DECLARATION_RETENTION_DAYS = env.int("PORTAL_DECLARATION_RETENTION_DAYS", default=21)
# People created from visitors' input are deleted once nothing refers to them and they are older
# than this (the core.person category of core.retention; docs/retention.md).
PERSON_RETENTION_DAYS = env.int("PORTAL_PERSON_RETENTION_DAYS", default=21)
# Vaccination appointments (bookings) are kept this long after they were made (docs/vaccination.md;
# unverified: no period found in a regulation). Doses, AEFI and certificates are kept as records.
APPOINTMENT_RETENTION_DAYS = env.int("PORTAL_APPOINTMENT_RETENTION_DAYS", default=180)
# A serious adverse event following immunization alerts the unit's officials and these addresses
# (the Department of Health's surveillance desk) at once (docs/vaccination.md).
AEFI_ALERT_EMAILS = env.list("PORTAL_AEFI_ALERT_EMAILS", default=["giamsat@soyte.example.invalid"])
# A lot is flagged when it has this many serious events, or this many events per 10,000 doses.
AEFI_LOT_SERIOUS_THRESHOLD = env.int("PORTAL_AEFI_LOT_SERIOUS_THRESHOLD", default=2)
AEFI_LOT_RATE_PER_10000 = env.int("PORTAL_AEFI_LOT_RATE_PER_10000", default=50)
# Rows deleted per transaction by the purge: small, so check-ins never wait behind it.
RETENTION_BATCH_SIZE = env.int("PORTAL_RETENTION_BATCH_SIZE", default=2000)
# A visit without a scanned check-out lasts this long (or until closing time / next check-in).
CHECKIN_DEFAULT_MINUTES = env.int("PORTAL_CHECKIN_DEFAULT_MINUTES", default=60)
# A check-in of the same person at the same checkpoint within this many minutes of an open visit
# there is that visit again (a double scan, a self check-in repeated, staff scanning someone who
# already scanned the poster): nothing new is stored. 30: half the default visit, so a repeat
# inside it is almost always the same visit, and a visitor who really left and came back is
# rarely merged (a later check-in closes the earlier visit and opens a new one).
CHECKIN_REPEAT_MINUTES = env.int("PORTAL_CHECKIN_REPEAT_MINUTES", default=30)
# No visit is longer than this: bounds the tracing index range.
CHECKIN_MAX_HOURS = env.int("PORTAL_CHECKIN_MAX_HOURS", default=12)
# A returning visitor's self check-in as one statement on PostgreSQL (checkpoints/express.py);
# off: every check-in takes the general ORM path.
CHECKIN_EXPRESS = env.bool("PORTAL_CHECKIN_EXPRESS", default=True)
# Household members checked in with one declarant (form and API): a household, or a family
# travelling in one car, fits; one request stays a few dozen rows (docs/security.md).
CHECKIN_MAX_MEMBERS = env.int("PORTAL_CHECKIN_MAX_MEMBERS", default=20)
TRACING_MIN_OVERLAP_MINUTES = env.int("PORTAL_TRACING_MIN_OVERLAP_MINUTES", default=15)
SILENT_CHECKPOINT_DAYS = env.int("PORTAL_SILENT_CHECKPOINT_DAYS", default=7)

# --- Testing (docs/testing.md) ---------------------------------------------------------------
# Samples in one pool: 10 by default; national guidance also pools 5 (unverified).
TESTING_POOL_SIZE = env.int("PORTAL_TESTING_POOL_SIZE", default=10)
# A sample received at the lab without a result after this many hours is overdue.
TESTING_TURNAROUND_HOURS = env.int("PORTAL_TESTING_TURNAROUND_HOURS", default=24)
# Whether a positive rapid antigen test alone confirms a case (Decision 2022/QĐ-BYT: supportive only).
TESTING_ANTIGEN_CONFIRMS = env.bool("PORTAL_TESTING_ANTIGEN_CONFIRMS", default=False)
# Tracing of a case starts this many days before its sample was taken (unverified).
TESTING_TRACE_DAYS_BEFORE = env.int("PORTAL_TESTING_TRACE_DAYS_BEFORE", default=2)
# Retention in days (docs/testing.md: periods unverified, kept as settings).
TESTING_SAMPLE_RETENTION_DAYS = env.int("PORTAL_TESTING_SAMPLE_RETENTION_DAYS", default=365)
TESTING_CASE_RETENTION_DAYS = env.int("PORTAL_TESTING_CASE_RETENTION_DAYS", default=1825)
# Citizens' result look-up: wrong guesses per specimen code and per address per hour.
TESTING_LOOKUP_PER_CODE = env.int("PORTAL_TESTING_LOOKUP_PER_CODE", default=5)
TESTING_LOOKUP_PER_IP = env.int("PORTAL_TESTING_LOOKUP_PER_IP", default=30)
# How long a browser that looked a result up may go on to the certificate's citizen check.
TESTING_LOOKED_UP_HOURS = env.int("PORTAL_TESTING_LOOKED_UP_HOURS", default=24)
# Rate limits of the public check-in, per minute (core/ratelimit.py): per device (cookie) and
# a generous per-IP ceiling, so a market's shared Wi-Fi keeps working. RATE_LIMIT_PROXY_COUNT:
# reverse proxies in front whose X-Forwarded-For is trusted (0: use REMOTE_ADDR).
CHECKIN_RATE_PER_DEVICE = env.int("PORTAL_CHECKIN_RATE_PER_DEVICE", default=12)
CHECKIN_RATE_PER_IP = env.int("PORTAL_CHECKIN_RATE_PER_IP", default=1200)
# Standalone declarations (domestic travel) from the public site: a person sends a few a day.
DECLARATION_RATE_PER_DEVICE = env.int("PORTAL_DECLARATION_RATE_PER_DEVICE", default=6)
DECLARATION_RATE_PER_IP = env.int("PORTAL_DECLARATION_RATE_PER_IP", default=600)
RATE_LIMIT_PROXY_COUNT = env.int("PORTAL_RATE_LIMIT_PROXY_COUNT", default=0)

# --- Access: API tokens and the citizen check (docs/security.md) ------------------------------
# Requests per minute a new integration token may make (an administrator may set another).
API_TOKEN_RATE_PER_MINUTE = env.int("PORTAL_API_TOKEN_RATE_PER_MINUTE", default=120)
# The citizen check: a 6-digit code by SMS, valid this long, this many tries per code.
CITIZEN_CHECK_CODE_MINUTES = env.int("PORTAL_CITIZEN_CHECK_CODE_MINUTES", default=10)
CITIZEN_CHECK_MAX_ATTEMPTS = env.int("PORTAL_CITIZEN_CHECK_MAX_ATTEMPTS", default=5)
# Codes sent per hour: per person (whoever asks) and per client address.
CITIZEN_CHECK_SENDS_PER_PERSON = env.int("PORTAL_CITIZEN_CHECK_SENDS_PER_PERSON", default=5)
CITIZEN_CHECK_SENDS_PER_ADDRESS = env.int("PORTAL_CITIZEN_CHECK_SENDS_PER_ADDRESS", default=20)
# Codes typed per hour from one client address (across people).
CITIZEN_CHECK_VERIFIES_PER_ADDRESS = env.int("PORTAL_CITIZEN_CHECK_VERIFIES_PER_ADDRESS", default=30)
# How long a browser session stays verified for one person and purpose.
CITIZEN_CHECK_SESSION_MINUTES = env.int("PORTAL_CITIZEN_CHECK_SESSION_MINUTES", default=15)
# Codes (hashed) are deleted after this many days (core.retention, category core.citizencheck).
CITIZEN_CHECK_RETENTION_DAYS = env.int("PORTAL_CITIZEN_CHECK_RETENTION_DAYS", default=1)
# Imports (core/imports.py): a file of more rows than this is checked and imported by a worker,
# with its progress on the job's page (core/services/import_jobs.py); smaller ones in the request.
IMPORT_BACKGROUND_ROWS = env.int("PORTAL_IMPORT_BACKGROUND_ROWS", default=2000)
# The largest file the admin's import takes (100,000 lab results are about 5 MB as CSV).
IMPORT_MAX_FILE_BYTES = env.int("PORTAL_IMPORT_MAX_FILE_BYTES", default=50_000_000)
IMPORT_JOB_ERRORS_SHOWN = env.int("PORTAL_IMPORT_JOB_ERRORS_SHOWN", default=200)
# A job's row (file name, counts, the errors shown) is kept this long; its file only until done.
IMPORT_JOB_RETENTION_DAYS = env.int("PORTAL_IMPORT_JOB_RETENTION_DAYS", default=7)

# --- Certificates (EU Digital COVID Certificate) ---------------------------------------------
# The province's document signer: PEM file paths or PEM text (certificates/signing.py). Without
# them, local and test settings generate a demo pair in var/dcc/ (DCC_DEMO_SIGNER).
DCC_SIGNING_KEY = env.str("PORTAL_DCC_SIGNING_KEY", default="")
DCC_SIGNING_CERT = env.str("PORTAL_DCC_SIGNING_CERT", default="")
DCC_DEMO_SIGNER = env.bool("PORTAL_DCC_DEMO_SIGNER", default=False)
DCC_ISSUER = env.str("PORTAL_DCC_ISSUER", default=f"Sở Y tế {PROVINCE_NAME}")
DCC_TEST_VALIDITY_HOURS = env.int("PORTAL_DCC_TEST_VALIDITY_HOURS", default=72)
DCC_VACCINATION_VALIDITY_DAYS = env.int("PORTAL_DCC_VACCINATION_VALIDITY_DAYS", default=365)
# Public verification page, per minute (core/ratelimit.py): a phone at a door checks many.
DCC_VERIFY_RATE_PER_DEVICE = env.int("PORTAL_DCC_VERIFY_RATE_PER_DEVICE", default=60)
DCC_VERIFY_RATE_PER_IP = env.int("PORTAL_DCC_VERIFY_RATE_PER_IP", default=3000)

# --- Applications -------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
LOCAL_APPS = [
    "core",
    "taskforce",
    "checkpoints",
    "declarations",
    "testing",
    "vaccination",
    "reports",
    "certificates",
    "epidemic",
    "dashboard",
    "privacy",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.outage.OutageMiddleware",  # a database or Redis outage: 503 with a message (docs/security.md)
    "core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.twofactor.TwoFactorMiddleware",  # 2FA for officials who need it (docs/security.md)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.bounds.HoldableValuesMiddleware",
]

# Content Security Policy (core.csp): scripts only from the portal's own static files.
# 'unsafe-inline' is allowed for styles only (a few pages keep a small <style> block).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite does not create the folder of its file.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and scheduler share one SQLite file: WAL lets readers run beside the writer,
    # IMMEDIATE transactions and a busy timeout make writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("PORTAL_CACHE_PREFIX", default="portal"),
        }
    }
else:
    # Shared between web, worker and beat processes (rate limits and idempotency keys).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# The rate limiter's store: its own Redis client (core.ratelimit); without it, the cache above.
RATE_LIMIT_REDIS_URL = env.str("PORTAL_RATE_LIMIT_REDIS_URL", default=REDIS_URL)
RATE_LIMIT_KEY_PREFIX = env.str("PORTAL_CACHE_PREFIX", default="portal")

# --- Celery -------------------------------------------------------------------------------
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # Kombu's Redis transport with the fix that keeps the worker alive through an outage.
        CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    # redis-py 8 defaults socket_timeout to 5 s. Kombu's BRPOP waits `brpop_timeout` (1 s)
    # so the timeout must stay well above it; keepalive and health checks notice dead peers.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "socket_timeout": 30,
        "socket_connect_timeout": 10,
        "socket_keepalive": True,
        "health_check_interval": 25,
        "visibility_timeout": 3600,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # Kombu's filesystem transport expects its folders to exist.
    for folder in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        # Broadcast (pidbox) exchange tables; kombu's default is ./control in the working dir.
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
# A separate queue name lets two deployments (or parallel test runs) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("PORTAL_CELERY_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker outage of any length is waited out: the worker retries the connection forever
# (Celery's default gives up after 100 attempts, ~45 min, and the worker exits).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the connection drops finishes; its acknowledgement goes out after the
# reconnect (Redis keeps the delivery in its unacked set meanwhile). Cancelling it instead
# would leave it there until the visibility timeout, an hour later. Set explicitly, as Celery
# 6 changes the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_HEARTBEAT_SECONDS = env.float("PORTAL_HEARTBEAT_SECONDS", default=60.0)
# The periodic jobs, in code. Times are Asia/Ho_Chi_Minh (CELERY_TIMEZONE).
# The weekly report to the chairman: Monday 07:00 by default, as a 5-field cron expression.
WEEKLY_REPORT_CRON = env.str("PORTAL_WEEKLY_REPORT_CRON", default="0 7 * * 1")


def _cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": CELERY_HEARTBEAT_SECONDS},
    "reports-weekly": {"task": "reports.tasks.weekly_report", "schedule": _cron(WEEKLY_REPORT_CRON)},
    # Retention (core.retention): every data category past its period, dependents first, each
    # after folding its daily roll-up in; at night, when few check-ins arrive.
    "core-retention": {"task": "core.tasks.purge_expired", "schedule": crontab(hour=2, minute=30)},
    # Daily roll-ups (core.rollups): finished days folded in from the watermark, every hour.
    "core-rollups": {"task": "core.tasks.fold_rollups", "schedule": crontab(minute=15)},
    "checkpoints-silent": {"task": "checkpoints.tasks.notify_silent", "schedule": crontab(hour=7, minute=0)},
    # The data-protection officer's access report of the month just ended (privacy app).
    "privacy-access-report": {
        "task": "privacy.tasks.monthly_access_report",
        "schedule": _cron(ACCESS_REPORT_CRON),
    },
    # Vaccination appointments: the SMS reminder the day before (docs/vaccination.md).
    "vaccination-reminders": {
        "task": "vaccination.tasks.remind_appointments",
        "schedule": crontab(hour=8, minute=0),
    },
}
# The public dashboard (docs/dashboard.md): its figures are recounted every few minutes, from
# the roll-ups plus the live day; a count below the threshold is published as "< 5".
DASHBOARD_REFRESH_SECONDS = env.float("PORTAL_DASHBOARD_REFRESH_SECONDS", default=300.0)
PUBLIC_DASHBOARD_DAYS = env.int("PORTAL_PUBLIC_DASHBOARD_DAYS", default=30)
PUBLIC_SUPPRESSION_THRESHOLD = env.int("PORTAL_PUBLIC_SUPPRESSION_THRESHOLD", default=5)
# How long a process reuses the published version's token before reading it again.
DASHBOARD_TOKEN_TTL_SECONDS = env.float("PORTAL_DASHBOARD_TOKEN_TTL_SECONDS", default=2.0)
# Epidemic levels (docs/epidemic.md): the proposals of the week that ended, Monday 06:00, before
# the weekly report; treatment capacity older than this many weeks is not used.
EPIDEMIC_CAPACITY_WEEKS = env.int("PORTAL_EPIDEMIC_CAPACITY_WEEKS", default=2)
CELERY_BEAT_SCHEDULE["epidemic-levels"] = {
    "task": "epidemic.tasks.compute_levels",
    "schedule": crontab(hour=6, minute=0, day_of_week=1),
}
# Boundaries for the map are simplified to this tolerance (degrees; 0.0005 is about 50 m).
MAP_SIMPLIFY_DEGREES = env.float("PORTAL_MAP_SIMPLIFY_DEGREES", default=0.0005)
CELERY_BEAT_SCHEDULE["dashboard-refresh"] = {
    "task": "dashboard.tasks.refresh",
    "schedule": DASHBOARD_REFRESH_SECONDS,
}
# Interrupted work (core.recovery): a report or a message whose worker died stays "running" or
# "sending"; past these times without progress it is put back in the queue, once.
STALLED_REPORT_SECONDS = env.int("PORTAL_STALLED_REPORT_SECONDS", default=600)
STALLED_MESSAGE_SECONDS = env.int("PORTAL_STALLED_MESSAGE_SECONDS", default=300)
# An import job checking or importing this long (its work is one transaction, with no progress
# in the database) lost its worker; one queued or confirmed this long lost its task.
STALLED_IMPORT_SECONDS = env.int("PORTAL_STALLED_IMPORT_SECONDS", default=3600)
# A flagged check-in whose alert task never reached the broker is alerted after this time.
STALLED_ALERT_SECONDS = env.int("PORTAL_STALLED_ALERT_SECONDS", default=300)
# Each process holds the address selects' units in memory (core.unit_directory) and checks the
# shared version this often; a change made by units_load is seen by every process within it.
UNIT_DIRECTORY_CHECK_SECONDS = env.float("PORTAL_UNIT_DIRECTORY_CHECK_SECONDS", default=30.0)
# A daily job (reminders) without a finished run this long after its time is run again.
STALLED_DAILY_SECONDS = env.int("PORTAL_STALLED_DAILY_SECONDS", default=1800)
# Tests only: seconds each report generation step sleeps, so a test can kill a worker mid-report.
REPORTS_STEP_DELAY_SECONDS = env.float("PORTAL_REPORTS_STEP_DELAY_SECONDS", default=0.0)
CELERY_BEAT_SCHEDULE["core-resume-stalled"] = {
    "task": "core.tasks.resume_stalled_work",
    "schedule": env.float("PORTAL_STALLED_SWEEP_SECONDS", default=120.0),
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:portal-home"
LOGOUT_REDIRECT_URL = "core:home"

# Login throttling (core/ratelimit.py, docs/security.md): wrong passwords counted per account
# and per address, wrong one-time codes per account, over the last 15 to 30 minutes. Past the
# ceiling every attempt is refused, the right password included, until the count expires or an
# administrator unlocks (/portal/mo-khoa-dang-nhap/). The address ceiling is higher: an office
# or a ward committee shares one public address.
LOGIN_FAILURES_PER_ACCOUNT = env.int("PORTAL_LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_IP = env.int("PORTAL_LOGIN_FAILURES_PER_IP", default=30)
OTP_FAILURES_PER_ACCOUNT = env.int("PORTAL_OTP_FAILURES_PER_ACCOUNT", default=5)

# Two-factor login (core/twofactor.py, docs/security.md): required for the superuser and every
# role that reads unmasked personal data, grants roles or approves checkpoints, in every mode.
# Checkpoint operators (masked data only) may be exempted; by default they are not.
TWO_FACTOR_EXEMPT_CHECKPOINT_OPERATORS = env.bool(
    "PORTAL_TWO_FACTOR_EXEMPT_CHECKPOINT_OPERATORS", default=False
)
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = env.str("PORTAL_OTP_ISSUER", default="Cong CNPCD")
# django-otp's own per-device back-off is off: wrong codes are counted by the portal's one
# limiter (OTP_FAILURES_PER_ACCOUNT above), which also fails closed and can be unlocked.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's "vi" locale has the separators (thousands ".", decimals ",") but no grouping size;
# without one, number_format/intcomma never group. Used where a locale sets none (vi).
NUMBER_GROUPING = 3

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# No URL serves MEDIA_ROOT. Behind nginx, name an ``internal;`` location aliased to MEDIA_ROOT
# (e.g. "/protected-files/") and the download views answer with X-Accel-Redirect to it;
# empty: Django streams the file itself (core.files.protected_file_response).
PROTECTED_FILES_ACCEL_PREFIX = env.str("PORTAL_PROTECTED_FILES_ACCEL_PREFIX", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Email and SMS ------------------------------------------------------------------------
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="to-cong-nghe@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("PORTAL_SMS_BACKEND", default="core.notifications.ConsoleSmsBackend")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "core.parsers.BoundedFormParser",
        "rest_framework.parsers.MultiPartParser",  # Django's: bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.exception_handlers.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng Tổ công nghệ phòng, chống dịch COVID-19 — API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_responses",
    ],
    # The API page's Swagger UI is served from the portal itself (no CDN; CSP script-src 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"CheckpointKindEnum": "checkpoints.models.Checkpoint.Kind"},
}

# --- Security defaults shared by all environments -----------------------------------------
# Bounded work per request (docs/security.md): a form's fields (Django) and an API body (the
# parsers in core/parsers.py) of at most 1 MB; JSON nested at most 32 levels deep.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("PORTAL_MAX_BODY_BYTES", default=1024 * 1024)
API_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
API_MAX_JSON_DEPTH = 32
# What a 503 during a database or Redis outage asks clients to wait (core/outage.py).
OUTAGE_RETRY_AFTER_SECONDS = env.int("PORTAL_OUTAGE_RETRY_AFTER_SECONDS", default=30)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Task force (taskforce app) -----------------------------------------------------------
# Organization kinds expected to send the weekly software-use report (Decision 3019, art. 2.1.e).
TASKFORCE_REPORTING_KINDS = env.list(
    "PORTAL_TASKFORCE_REPORTING_KINDS", default=["department", "committee", "office", "cdc", "hospital"]
)
# Daily overdue check and reminders; the interval is overridable so tests can watch it fire.
TASKFORCE_OVERDUE_SECONDS = env.float("PORTAL_TASKFORCE_OVERDUE_SECONDS", default=0.0)
CELERY_BEAT_SCHEDULE["taskforce-overdue-assignments"] = {
    "task": "taskforce.tasks.mark_overdue_assignments",
    # 07:00 every day (Asia/Ho_Chi_Minh), before the working day starts.
    "schedule": TASKFORCE_OVERDUE_SECONDS or crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["taskforce-member-roles"] = {
    "task": "taskforce.tasks.sync_member_roles",
    "schedule": crontab(hour=0, minute=5),
}
# Several taskforce models have a "status" or "kind": name their enums in the API schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),  # type: ignore[dict-item]
    **{
        "MeetingKindEnum": "taskforce.models.meetings.Meeting.Kind",
        "MeetingStatusEnum": "taskforce.models.meetings.Meeting.Status",
        "AttendanceStatusEnum": "taskforce.models.meetings.Attendance.Status",
        "AssignmentStatusEnum": "taskforce.models.work.Assignment.Status",
        "ProposalStatusEnum": "taskforce.models.work.Proposal.Status",
        "OrganizationKindEnum": "core.models.Organization.Kind",
        "LabOutcomeEnum": "testing.models.Outcome",
        "AefiOutcomeEnum": "vaccination.models.AdverseEvent.Outcome",
    },
}
