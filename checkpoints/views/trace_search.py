"""Tracing searches kept on the server: a search is POSTed once, stored in the official's session
under an opaque random id, and the result page, the candidate choice and the exports refer to that
id only. No ID number, phone number or purpose ever appears in a URL (and so in an access log or a
Referer header); the session keeps the people found (their ids), never the numbers typed."""

import datetime
import secrets
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "trace_searches"
# Searches kept per session (the oldest are forgotten first).
KEEP = 10


def store(request: HttpRequest, kind: str, data: dict[str, Any]) -> str:
    """Saves a search and returns its opaque id."""
    token = secrets.token_urlsafe(16)
    searches = dict(request.session.get(SESSION_KEY, {}))
    searches[token] = {"kind": kind, **data}
    while len(searches) > KEEP:
        searches.pop(next(iter(searches)))
    request.session[SESSION_KEY] = searches
    return token


def load(request: HttpRequest, token: str, kind: str | None = None) -> dict[str, Any] | None:
    """The search saved under ``token`` in this session (of ``kind`` when given), or None."""
    search = request.session.get(SESSION_KEY, {}).get(token or "")
    if not search or (kind is not None and search.get("kind") != kind):
        return None
    return dict(search)


def update(request: HttpRequest, token: str, **changes: Any) -> None:
    searches = dict(request.session.get(SESSION_KEY, {}))
    searches[token] = {**searches[token], **changes}
    request.session[SESSION_KEY] = searches


def when(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)
