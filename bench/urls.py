"""The portal's URLs plus the benchmark ceilings (served only with ``bench.settings``)."""

from django.urls import path

from bench.ceiling import ceiling, same_work
from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/ceiling", ceiling, name="bench-ceiling"),
    path("bench/same-work", same_work, name="bench-same-work"),
    *portal_urlpatterns,
]
