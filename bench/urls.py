"""The portal's URLs plus the benchmark ceiling (served only with ``bench.settings``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench.ceiling import ceiling
from config.urls import urlpatterns as portal_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The bare Django view of the read benchmarks (bench/dashboard.py): the same middleware as
    every page, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling", ceiling, name="bench-ceiling"),
    path("bench/hello", hello, name="bench-hello"),
    *portal_urlpatterns,
]
