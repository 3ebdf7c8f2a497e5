"""API token authentication for integrations, and the permission that checks a token's scope.

An integration endpoint (a lab system posting results) declares::

    class ResultImportApi(APIView):
        authentication_classes = TOKEN_AUTHENTICATION
        permission_classes = [HasTokenScope("testing.results:write")]

``request.user`` is then an ``ApiClient`` (``core.actors``): pass it as the actor to services;
``require_capability`` holds it to its scopes' capabilities and the scoping selectors to its
organization. Session authentication stays first for the browser (``TOKEN_AUTHENTICATION``
accepts both); the other endpoints of the API do not accept tokens at all.
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core import ratelimit
from core.actors import ApiClient
from core.apitokens import split_token, token_matches
from core.models import ApiToken
from core.roles import user_can

KEYWORD = "Bearer"
# Writing ``last_used_at`` on every request would make each call a write: once a minute is enough.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer ptk_<prefix>_<secret>``. No header: not this scheme (the next
    class tries). A bad, revoked or expired key: 401 with a message saying which (only the
    holder of the full key learns it is revoked or expired). Over the token's rate: 429."""

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Thiếu mã truy cập API sau chữ Bearer."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raw = ""
        prefix = split_token(raw)
        token = ApiToken.objects.filter(prefix=prefix).first() if prefix else None
        if token is None or not token_matches(raw, token.token_hash):
            raise exceptions.AuthenticationFailed(_("Mã truy cập API không hợp lệ."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập API đã bị thu hồi."))
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Mã truy cập API đã hết hạn."))
        if not ratelimit.allow_api_token(token.pk, token.rate_per_minute):
            raise exceptions.Throttled(
                wait=ratelimit.API_TOKEN.window,
                detail=_("Hệ thống tích hợp gửi quá nhiều yêu cầu. Vui lòng thử lại sau."),
            )
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        client = ApiClient(
            token_id=token.pk, organization_id=token.organization_id, scopes=frozenset(token.scopes)
        )
        return client, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'  # makes DRF answer 401 (not 403) to a missing or bad key


# Integration endpoints: a token, or (for officials in the browser) the session. The token
# class comes first so an unauthenticated request is answered 401 with the Bearer challenge.
TOKEN_AUTHENTICATION: list[type[BaseAuthentication]] = [ApiTokenAuthentication, SessionAuthentication]


def HasTokenScope(scope: str, *, users_with: str = "") -> type[BasePermission]:
    """``permission_classes = [HasTokenScope("testing.results:write")]``: a token must hold the
    scope (403 otherwise). A signed-in official passes only when ``users_with`` names a
    capability they hold (the same endpoint used from the browser); by default, tokens only.
    An undeclared scope is refused when the view is defined (a typo would refuse every token)."""
    from core.apitokens import token_scopes

    if scope not in token_scopes():
        raise ValueError(f"undeclared token scope {scope!r}")

    class TokenScopePermission(BasePermission):
        message = gettext_lazy("Mã truy cập API không có phạm vi quyền này.")

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            if isinstance(user, ApiClient):
                return scope in user.scopes
            if not user or not user.is_authenticated:
                return False
            return bool(users_with) and user_can(user, users_with)

    TokenScopePermission.__name__ = TokenScopePermission.__qualname__ = f"HasTokenScope[{scope}]"
    return TokenScopePermission


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer scheme in the OpenAPI schema (drf-spectacular)."""

    target_class = "core.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ptk_<prefix>_<secret>",
            "description": "Mã truy cập API của hệ thống tích hợp / integration API token",
        }
