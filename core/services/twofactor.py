"""The officials' login: second-factor enrolment, verification and reset, and unlocking an
account or address throttled after wrong passwords or codes (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import ratelimit
from core.actors import is_system
from core.audit import audit
from core.capabilities import Cap
from core.services._common import Actor, require
from core.twofactor import totp_matches

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def _require_self_or_system(actor: Actor, user: Any) -> None:
    """Only the official themselves (or the system: demo data, a command) sets up or uses their
    second factor."""
    if is_system(actor):
        return
    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def twofactor_enrol(*, actor: Actor, user: Any, key: str, token: str | None) -> tuple[TOTPDevice, list[str]]:
    """Confirms a new authenticator (secret ``key``, hex) for ``user`` once ``token`` — a code the
    authenticator shows — matches, and gives a fresh set of recovery codes, returned once (the
    old ones stop working). The system (demo data) may enrol without a code."""
    _require_self_or_system(actor, user)
    if token is None and not is_system(actor):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    step = None
    if token is not None:
        step = totp_matches(key, token.strip().replace(" ", ""))
        if step is None:
            raise ValidationError(
                _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã đang hiển thị trong ứng dụng."),
                code="otp_invalid",
            )
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(_("Tài khoản này đã đăng ký xác thực hai bước."), code="otp_enrolled")
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_NAME, key=key, confirmed=True, last_t=step if step is not None else -1
        )
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _i in range(settings.TWO_FACTOR_RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
        audit(
            actor=actor,
            action="user.twofactor_enrol",
            target=user,
            details={"user_id": user.pk, "recovery_codes": len(codes)},
        )
    return device, codes


def twofactor_verify(*, actor: Actor, user: Any, token: str) -> Device | None:
    """Checks a code from the authenticator, or a recovery code (used up by this check), for
    ``user``; the device that accepted it, or None. Audited either way (``ok``, ``method``)."""
    _require_self_or_system(actor, user)
    token = token.strip().replace(" ", "")
    accepted: Device | None = None
    method = ""
    with transaction.atomic():
        for totp in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if token.isdigit() and totp.verify_token(token):
                accepted, method = totp, "totp"
                break
        if accepted is None and token:
            for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if static.verify_token(token.lower()):
                    accepted, method = static, "recovery"
                    break
        details: dict[str, Any] = {"user_id": user.pk, "ok": accepted is not None, "method": method}
        if method == "recovery":
            details["recovery_left"] = StaticToken.objects.filter(device__user=user).count()
        audit(actor=actor, action="user.twofactor_verify", target=user, details=details)
    return accepted


def twofactor_reset(*, actor: Actor, user: Any) -> None:
    """Removes an official's authenticator and recovery codes (a lost phone): they enrol again at
    their next login. By someone else holding the right to manage accounts, never oneself."""
    require(actor, Cap.MANAGE_SCOPES)
    if not is_system(actor) and getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied(
            _("Không thể tự đặt lại xác thực hai bước của chính mình: nhờ một quản trị viên khác.")
        )
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        audit(
            actor=actor,
            action="user.twofactor_reset",
            target=user,
            details={"user_id": user.pk, "removed": removed},
        )


def login_unlock(*, actor: Actor, username: str = "", ip: str = "") -> Any:
    """An administrator lifts the login throttle of an account (its wrong passwords and codes)
    and/or of an address; returns the account unlocked, if any. Audited; the counts are removed
    only if the audit row is written."""
    require(actor, Cap.MANAGE_SCOPES)
    username = username.strip()
    ip = ip.strip()
    if not username and not ip:
        raise ValidationError(_("Nhập tên đăng nhập hoặc địa chỉ IP cần mở khóa."), code="required")
    user = None
    if username:
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise ValidationError(
                _("Không có tài khoản nào tên “%(name)s”.") % {"name": username}, code="unknown"
            )
    with transaction.atomic():
        audit(
            actor=actor,
            action="login.unlock",
            target=user if user is not None else get_user_model(),
            details={"user_id": user.pk if user is not None else None, "ip": ip},
        )
        ratelimit.login_clear(
            username=user.get_username() if user is not None else "",
            user_id=user.pk if user is not None else None,
            ip=ip,
        )
    return user
