"""Searches and read purposes kept on the server, for every page that reads personal data.

Tracing: a search is POSTed once, stored in the official's session under an opaque random id, and
the result page, the candidate choice and the exports refer to that id only. No ID number, phone
number or purpose ever appears in a URL (and so in an access log or a Referer header); the session
keeps the people found (their ids), never the numbers typed.

The admin's reads of people use the same store: the purpose the official gave (``PurposeForm``,
asked once per session) is kept as a search of kind ``admin`` and written on every read audit row
(``purpose_of``); the official may give a new one at any time."""

import datetime
import secrets
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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


def latest(request: HttpRequest, kind: str) -> dict[str, Any] | None:
    """The newest search of ``kind`` kept in this session, or None."""
    found = [s for s in request.session.get(SESSION_KEY, {}).values() if s.get("kind") == kind]
    return dict(found[-1]) if found else None


class PurposeForm(forms.Form):
    """The purpose of reading personal data, asked before the first read (as tracing asks it)."""

    purpose = forms.CharField(label=_("Mục đích xem dữ liệu cá nhân (bắt buộc)"), max_length=300)


def purpose_set(request: HttpRequest, kind: str, purpose: str) -> str:
    """Keeps the purpose the official gave for reads of ``kind``; returns its id."""
    return store(request, kind, {"purpose": purpose.strip()})


def purpose_of(request: HttpRequest, kind: str) -> str:
    """The purpose given in this session for reads of ``kind``; "" when none was given yet."""
    search = latest(request, kind)
    return str(search["purpose"]) if search else ""
