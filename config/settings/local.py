"""Embedded default for a laptop or a small deployment: SQLite, file cache, filesystem broker."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key is acceptable here only: production.py refuses to start without its own.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Development keys, printed in the README as such; production.py demands real ones.
FIELD_ENCRYPTION_KEYS = env.list(
    "PORTAL_FIELD_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="]
)
LOOKUP_HASH_KEY = env.str("PORTAL_LOOKUP_HASH_KEY", default="local-dev-lookup-key-not-for-production")

# A demo document signer generated into var/dcc/ when no real one is configured.
DCC_DEMO_SIGNER = env.bool("PORTAL_DCC_DEMO_SIGNER", default=True)
