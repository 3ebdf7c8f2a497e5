"""Bench-only settings: production, plus the ceiling URL (``bench.urls``). Used only by the
benchmark servers and scripts of ``bench/``; never by a deployment."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
