"""Where a ``next`` (or back) parameter may send someone: a path on this site, nothing else.

One check for every page that goes back somewhere after a form (login and its second factor,
the admin's purpose page, the dashboard's language switch): another site, a scheme, a control
or invisible character (a NUL, a line break, a right-to-left mark) or a bare word (``next=%``
was a 500: ``redirect`` took it for a URL name) falls back to the page's default."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request: HttpRequest, candidate: str | None, default: str) -> str:
    """``candidate`` when it is a path on this site, else ``default``."""
    if (
        candidate
        and candidate.startswith("/")
        and candidate.isprintable()
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
