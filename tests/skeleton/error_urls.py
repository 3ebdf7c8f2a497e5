"""A URLconf for the error-page tests: the portal's URLs plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def out_of_scope(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Cơ quan này nằm ngoài phạm vi của bạn.")


def unavailable(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("503.html"), status=503)


def broken_context(request: HttpRequest) -> dict[str, str]:
    """A context processor whose service (the database, say) is down."""
    raise RuntimeError("database unreachable")


urlpatterns = [
    path("test-errors/crash/", crash),
    path("test-errors/out-of-scope/", out_of_scope),
    path("test-errors/unavailable/", unavailable),
    *portal_urlpatterns,
]
