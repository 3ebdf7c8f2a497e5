"""Embedded default for a laptop or a small deployment: SQLite, file cache, filesystem broker."""

from .base import *
from .base import env
from .public_keys import DEV_FIELD_ENCRYPTION_KEY, DEV_LOOKUP_HASH_KEY, DEV_SECRET_KEY

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key is acceptable here only: production.py refuses to start without its own.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Development keys (public_keys.py): production.py refuses them and demands real ones.
FIELD_ENCRYPTION_KEYS = env.list("PORTAL_FIELD_ENCRYPTION_KEYS", default=[DEV_FIELD_ENCRYPTION_KEY])
LOOKUP_HASH_KEY = env.str("PORTAL_LOOKUP_HASH_KEY", default=DEV_LOOKUP_HASH_KEY)

# A demo document signer generated into var/dcc/ when no real one is configured.
DCC_DEMO_SIGNER = env.bool("PORTAL_DCC_DEMO_SIGNER", default=True)
