"""API token scopes: what an integration's token may do, declared per app like capabilities.

An app declares its scopes in its ``<app>/capabilities.py`` next to its capabilities::

    TOKEN_SCOPES = {
        "testing.results:write": TokenScope(_("Gửi kết quả xét nghiệm"), {TestingCap.ENTER_RESULTS}),
    }

A scope names the capabilities a token holding it has: services keep calling
``require_capability`` and a token passes exactly where its scopes allow
(``core.roles.user_can``). Endpoints check the scope itself with
``core.authentication.HasTokenScope("testing.results:write")``. ``core`` declares
``readonly`` (units and organizations). Scopes are composed once from every installed app;
a scope two apps declare, or one granting a capability no app declares, is refused.
"""

import functools
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

TOKEN_SCOPES_ATTR = "TOKEN_SCOPES"  # noqa: S105  (an attribute name)
# Shown before the key so a leaked one is recognisable by secret scanners and people alike.
TOKEN_MARK = "ptk"  # noqa: S105  (a marker, not a secret)


@dataclass(frozen=True)
class TokenScope:
    label: str | Promise
    capabilities: AbstractSet[str] = field(default_factory=frozenset)


def compose_scopes(modules: Iterable[Any], declared_capabilities: AbstractSet[str]) -> dict[str, TokenScope]:
    scopes: dict[str, TokenScope] = {}
    for module in modules:
        for name, scope in getattr(module, TOKEN_SCOPES_ATTR, {}).items():
            if name in scopes:
                raise ImproperlyConfigured(f"token scope {name!r} declared twice ({module.__name__})")
            unknown = {str(c) for c in scope.capabilities} - set(declared_capabilities)
            if unknown:
                raise ImproperlyConfigured(
                    f"token scope {name!r} grants undeclared capabilities {sorted(unknown)}"
                )
            scopes[name] = TokenScope(scope.label, frozenset(str(c) for c in scope.capabilities))
    return scopes


@functools.cache
def token_scopes() -> dict[str, TokenScope]:
    """Every declared scope (name -> ``TokenScope``), from the installed apps."""
    from core import roles

    modules = roles._app_capability_modules()
    declared = {str(v) for m in modules for choices in roles._choices_of(m) for v in choices.values}
    return compose_scopes(modules, declared)


def scope_choices() -> list[tuple[str, Any]]:
    return [(name, scope.label) for name, scope in sorted(token_scopes().items())]


def scope_capabilities(scopes: Iterable[str]) -> frozenset[str]:
    """The capabilities a token with these scopes holds (an unknown scope grants nothing)."""
    table = token_scopes()
    return frozenset().union(*(table[s].capabilities for s in scopes if s in table))


def new_token() -> tuple[str, str]:
    """A fresh key and its prefix: ``ptk_<prefix>_<secret>`` (8 + 43 url-safe characters)."""
    prefix = secrets.token_hex(4)
    return f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def split_token(raw: str) -> str | None:
    """The prefix of a key in the expected shape, or None."""
    parts = raw.split("_", 2)  # the secret itself may hold "_"
    if len(parts) != 3 or parts[0] != TOKEN_MARK or len(parts[1]) != 8 or not parts[2]:
        return None
    return parts[1]


def hash_token(raw: str) -> str:
    # 256 random bits: a plain SHA-256 cannot be reversed by guessing (no key to rotate).
    return hashlib.sha256(raw.encode()).hexdigest()


def token_matches(raw: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(raw), stored_hash)
