"""The portal's URLs plus the benchmark ceilings (served only with ``bench.settings``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench.ceiling import ceiling, same_work
from config.urls import urlpatterns as portal_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The bare Django view of the read benchmarks (bench/dashboard.py): the same middleware as
    every page, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling", ceiling, name="bench-ceiling"),
    path("bench/hello", hello, name="bench-hello"),
    path("bench/same-work", same_work, name="bench-same-work"),
    *portal_urlpatterns,
]
