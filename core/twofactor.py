"""Two-factor login: who needs it, and the middleware that holds a session until it is verified.

Who needs a second factor is derived from the role table (``core.roles.role_capabilities``,
composed from every app's ``capabilities.py``), never listed by hand: the superuser, and every
role holding a capability that reads unmasked personal data (``PERSONAL_DATA_CAPS``), grants
roles (``scopes.manage``) or approves checkpoints (``checkpoints.approve``). Checkpoint operators
see masked data only; they need it too unless ``TWO_FACTOR_EXEMPT_CHECKPOINT_OPERATORS`` is set.

The second factor is a TOTP authenticator (django-otp's ``TOTPDevice``) with single-use recovery
codes (its ``StaticDevice``). A password login opens a session that is *not verified*;
``TwoFactorMiddleware`` sends such a session to the code page (or the enrolment page) from every
portal page and the admin, and answers 403 on the session-authenticated API, until a code is
accepted (``django_otp.login``). It runs in every mode, embedded included (docs/security.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.roles import PERSONAL_DATA_CAPS, role_capabilities, user_roles

# Beyond reading personal data: granting roles and approving checkpoints (by their strings: core
# imports no app; scopes.manage: core, checkpoints.approve: checkpoints).
GRANTING_CAPS = frozenset({"scopes.manage"})
APPROVING_CAPS = frozenset({"checkpoints.approve"})
TWO_FACTOR_CAPS = PERSONAL_DATA_CAPS | GRANTING_CAPS | APPROVING_CAPS
# The checkpoint operator's capability: masked data only, exemptable by a setting.
MASKED_ONLY_CAPS = frozenset({"checkpoints.operate"})

# The session holds this while a password login waits for its code (an account that need not
# use a second factor but enrolled one is asked for it too).
PENDING_SESSION_KEY = "twofactor_pending"
# URL names an unverified session may still reach: the second-factor pages themselves, logging
# out or in again, the language switch and the health checks.
OPEN_URL_NAMES = frozenset(
    {"login", "logout", "set_language", "otp-verify", "otp-enrol", "otp-recovery-codes", "healthz", "readyz"}
)


def two_factor_roles() -> set[str]:
    """The roles whose holders must log in with a second factor (from the role table)."""
    roles = {role for role, caps in role_capabilities().items() if caps & TWO_FACTOR_CAPS}
    if not settings.TWO_FACTOR_EXEMPT_CHECKPOINT_OPERATORS:
        roles |= {role for role, caps in role_capabilities().items() if caps & MASKED_ONLY_CAPS}
    return roles


def requires_two_factor(user: Any) -> bool:
    """Whether ``user`` must log in with a second factor: the one place that says so."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & two_factor_roles())


def must_verify(request: HttpRequest) -> bool:
    """A signed-in session that still owes its second factor."""
    user: Any = request.user  # django-otp's OTPMiddleware gave it is_verified()
    if not user.is_authenticated or user.is_verified():
        return False
    return requires_two_factor(user) or bool(request.session.get(PENDING_SESSION_KEY))


def totp_matches(key_hex: str, token: str, *, after_t: int = -1) -> int | None:
    """The time step ``token`` belongs to (one step of clock drift either way), or None."""
    from django_otp.oath import TOTP

    try:
        value = int(token)
    except ValueError:
        return None
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time()
    if totp.verify(value, tolerance=1, min_t=after_t + 1):
        return int(totp.t())
    return None


def totp_now(key_hex: str) -> str:
    """The code an authenticator holding ``key_hex`` shows now (demo helper, tests)."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time()
    return f"{totp.token():06d}"


def has_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_url(next_url: str) -> str:
    return f"{reverse('otp-verify')}?{urlencode({'next': next_url})}"


class TwoFactorMiddleware:
    """After ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``: an unverified session
    of an official who needs a second factor reaches only the second-factor pages (and logout);
    pages and the admin redirect to the code page, the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_URL_NAMES:
            return None
        if not must_verify(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Cần xác thực hai bước: đăng nhập lại và nhập mã từ ứng dụng xác thực.")},
                status=403,
            )
        return HttpResponseRedirect(verify_url(request.get_full_path()))
