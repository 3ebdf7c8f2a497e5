"""The portal's URLs plus the benchmark ceiling (served only with ``bench.settings``)."""

from django.urls import path

from bench.ceiling import ceiling
from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/ceiling", ceiling, name="bench-ceiling"), *portal_urlpatterns]
