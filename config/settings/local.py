"""Embedded default for a laptop or a small deployment: SQLite, file cache, filesystem broker."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key is acceptable here only: production.py refuses to start without its own.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
