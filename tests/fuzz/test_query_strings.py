"""Every page without a path argument, asked with hostile query strings, as an anonymous visitor
and as a superuser (every page and admin list open): never a server error. The parameter names
are the ones the portal's own code reads (``request.GET.get("…")`` in the apps), the admin's own
(search, order, page, filters) and a few of any list's fields; the values are what a typo, an
old bookmark or an attacker sends. Found this way: a NUL character in a query string (a 500 on
PostgreSQL), ``next=%`` on the second-factor pages, an unknown filter on an admin export, a
non-id ``?parent=`` on an admin add form."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.roles import Role

pytestmark = pytest.mark.django_db

ADMIN = ["q", "o", "p", "e", "all", "_changelist_filters", "_popup", "_to_field", "parent", "unit", "status"]
VALUES = ["\x00", "a\x00b", "9" * 30, "-1", "2021-02-30", "%", "'", "\u202e", "x" * 3000]


def read_names() -> list[str]:
    base = Path(settings.BASE_DIR)
    names = set(ADMIN)
    for app in settings.LOCAL_APPS:  # the portal's own apps
        for source in (base / app).rglob("*.py"):
            code = source.read_text(encoding="utf-8")
            names.update(re.findall(r"request\.GET\.get\(\s*\"([^\"]+)\"", code))
    return sorted(names)


def plain_urls(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from plain_urls(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if not any(mark in route for mark in ("<", "(?P", "\\")):
                yield "/" + route.lstrip("^").rstrip("$")


def test_no_page_fails_on_a_hostile_query_string(client, make_user, province):
    names = read_names()
    assert {"next", "uvci", "sort", "don-vi"} <= set(names)  # the scan finds the code's own
    superuser = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client.force_login(superuser)
    client.raise_request_exception = False
    anonymous = Client(raise_request_exception=False)
    urls = sorted({u for u in plain_urls(get_resolver().url_patterns) if "logout" not in u})
    assert len(urls) > 100
    failures = []
    for url in urls:
        for value in VALUES:
            for who, visitor in (("superuser", client), ("anonymous", anonymous)):
                status = visitor.get(url, dict.fromkeys(names, value)).status_code
                if status >= 500:
                    failures.append(f"{who} {url} {value[:12]!r}: {status}")
    assert not failures, "\n".join(failures)
