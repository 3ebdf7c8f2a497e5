"""Every page of the permission matrix answers with the Content Security Policy, and no HTML
page carries an inline script or event-handler attribute (issue 15, point 7)."""

import re

import pytest
from django.urls import reverse

from tests.test_permission_matrix import ANON, SUPER, URL_MATRIX, _client_for, world  # noqa: F401

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _check(response, label: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, label
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0], label
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"inline <script> in {label}"
        assert not HANDLER.search(html), f"event-handler attribute in {label}"


@pytest.mark.parametrize("role", [ANON, SUPER])
def test_every_page_has_the_policy_and_no_inline_script(role, client, world):  # noqa: F811
    users, objects = world
    pages = 0
    for name, spec in URL_MATRIX.items():
        if spec.method != "get":
            continue
        c = _client_for(client, users[role])
        kwargs = spec.kwargs(objects) if callable(spec.kwargs) else spec.kwargs
        _check(c.get(reverse(name, kwargs=kwargs)), f"{role} {name}")
        pages += 1
    for url in (reverse("admin:index"), reverse("login"), "/no-such-page/"):
        _check(_client_for(client, users[role]).get(url), f"{role} {url}")
    assert pages > 30


def test_api_docs_page_uses_the_offline_swagger_assets(client):
    page = client.get(reverse("api-docs"))
    html = page.content.decode()
    assert page.status_code == 200 and "Content-Security-Policy" in page
    assert not INLINE_SCRIPT.search(html)
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert any("swagger-ui" in s for s in sources)
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
