"""A database or cache outage answers 503 with a message in the portal's style (Vietnamese first,
then English) and ``Retry-After``, for pages and the API: never the debug page or a bare
"Server Error (500)". A visitor's declaration posted during the outage comes back as a form of
what was typed, so resending is one tap.

Two entries, one answer: ``OutageMiddleware.process_exception`` for errors raised by a view
(whatever ``DEBUG`` says), and ``server_error`` (``handler500``) for the rest, e.g. a session
that cannot be saved. The page is rendered without the request's context processors, which
would need the database that is down."""

import logging
import re
import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.ratelimit import LimiterUnavailable  # a fail-closed limit whose store is down

log = logging.getLogger("portal.outage")

OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, LimiterUnavailable)
# Public forms whose input is offered back for a one-tap resend (never a password).
RESEND_PATHS = re.compile(r"^/(c/[^/]+/|khai-bao/)$")


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGES)


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    log.error("outage: %s %s: %s: %s", request.method, request.path, type(exc).__name__, exc)
    retry = settings.OUTAGE_RETRY_AFTER_SECONDS
    with translation.override(_language(request)):
        message = _("Hệ thống đang tạm gián đoạn. Vui lòng thử lại sau ít phút.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            resend = _resend_fields(request)
            html = loader.render_to_string(
                "503.html",
                {"message": message, "retry_after": retry, "resend": resend, "action": request.path},
            )
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry)
    return response


def _language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _resend_fields(request: HttpRequest) -> list[tuple[str, str]] | None:
    if request.method != "POST" or not RESEND_PATHS.match(request.path):
        return None
    try:
        return [(name, value) for name in request.POST for value in request.POST.getlist(name)]
    except Exception:  # a body that cannot be read again: no resend form
        return None


class OutageMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return outage_response(request, exception) if is_outage(exception) else None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: an outage raised outside a view is a 503 too; anything else as before."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        assert exc is not None
        return outage_response(request, exc)
    return defaults.server_error(request, template_name)
