"""The officials' login: password (throttled), second factor (enrolment on first login, the code,
recovery codes shown once) and the administrator's unlock (docs/security.md)."""

from base64 import b32encode
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core import ratelimit, services, twofactor
from core.capabilities import Cap
from core.decorators import capability_required
from core.forms import CodeForm, LoginUnlockForm, PortalAuthenticationForm, throttled_message
from core.redirects import local_url

ENROL_KEY_SESSION_KEY = "twofactor_enrol_key"
CODES_SESSION_KEY = "twofactor_recovery_codes"
CODES_NEXT_SESSION_KEY = "twofactor_recovery_next"


def store_down_message() -> str:
    return _(
        "Tạm thời chưa thể đăng nhập: bộ đếm số lần nhập sai đang gián đoạn, nên cổng không nhận "
        "mật khẩu hay mã lúc này. Vui lòng thử lại sau ít phút."
    )


def _store_down(response: HttpResponse) -> HttpResponse:
    response.status_code = 503
    response["Retry-After"] = str(ratelimit.RETRY_AFTER)
    return response


def _next(request: HttpRequest) -> str:
    """The page to go to afterwards: ``next`` when it is on this site, else the portal home."""
    candidate = request.POST.get("next") or request.GET.get("next")
    return local_url(request, candidate, resolve_url(settings.LOGIN_REDIRECT_URL))


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class PortalLoginView(LoginView):
    """Django's login view with the throttled form; a password accepted for an official who needs
    a second factor (or has one) opens a session that waits for its code."""

    form_class = PortalAuthenticationForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except ratelimit.LimiterUnavailable:
            form = self.get_form_class()(request, data=None)
            context = self.get_context_data(form=form, store_down=store_down_message())
            return _store_down(self.render_to_response(context))

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        next_url = self.get_success_url()
        if twofactor.requires_two_factor(user) or twofactor.has_device(user):
            self.request.session[twofactor.PENDING_SESSION_KEY] = True
            return HttpResponseRedirect(twofactor.verify_url(next_url))
        return HttpResponseRedirect(next_url)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator (or a recovery code) after the password."""
    next_url = _next(request)
    user: Any = request.user
    if user.is_verified():
        return redirect(next_url)
    if not twofactor.has_device(user):
        if twofactor.requires_two_factor(user):
            return redirect(_with_next("otp-enrol", next_url))
        request.session.pop(twofactor.PENDING_SESSION_KEY, None)
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if ratelimit.otp_blocked(user.pk):
                form.add_error("code", throttled_message())
            else:
                device = services.twofactor_verify(actor=user, user=user, token=form.cleaned_data["code"])
                if device is None:
                    ratelimit.otp_failed(user.pk)
                    form.add_error(
                        "code",
                        _("Mã không đúng hoặc đã được dùng. Vui lòng nhập mã đang hiển thị trong ứng dụng."),
                    )
                else:
                    django_otp.login(request, device)
                    request.session.pop(twofactor.PENDING_SESSION_KEY, None)
                    if isinstance(device, StaticDevice):
                        messages.warning(
                            request,
                            _("Bạn vừa dùng một mã dự phòng; còn %(count)d mã.")
                            % {"count": twofactor.recovery_codes_left(user)},
                        )
                    return redirect(next_url)
        except ratelimit.LimiterUnavailable:
            form.add_error(None, store_down_message())
            status = 503
    response = render(
        request, "registration/otp_verify.html", {"form": form, "next": next_url}, status=status
    )
    return _store_down(response) if status == 503 else response


def _qr_svg(data: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8)
    code.add_data(data)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First login: the secret as a QR code and as text, confirmed with a code."""
    next_url = _next(request)
    user: Any = request.user
    if twofactor.has_device(user):
        return redirect(next_url if user.is_verified() else twofactor.verify_url(next_url))
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not key:
        key = default_key()
        request.session[ENROL_KEY_SESSION_KEY] = key
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if ratelimit.otp_blocked(user.pk):
                form.add_error("code", throttled_message())
            else:
                try:
                    device, codes = services.twofactor_enrol(
                        actor=user, user=user, key=key, token=form.cleaned_data["code"]
                    )
                except ValidationError as error:
                    if error.code == "otp_invalid":
                        ratelimit.otp_failed(user.pk)
                    form.add_error("code", error)
                else:
                    django_otp.login(request, device)
                    for name in (ENROL_KEY_SESSION_KEY, twofactor.PENDING_SESSION_KEY):
                        request.session.pop(name, None)
                    request.session[CODES_SESSION_KEY] = codes
                    request.session[CODES_NEXT_SESSION_KEY] = next_url
                    return redirect("otp-recovery-codes")
        except ratelimit.LimiterUnavailable:
            form.add_error(None, store_down_message())
            status = 503
    config_url = TOTPDevice(user=user, key=key).config_url
    secret = b32encode(bytes.fromhex(key)).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "username": user.get_username(),
        "step": TOTP(bytes.fromhex(key)).step,
    }
    response = render(request, "registration/otp_enrol.html", context, status=status)
    return _store_down(response) if status == 503 else response


@never_cache
@login_required
@require_http_methods(["GET"])
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once right after enrolment (never stored in readable form
    elsewhere than the database's one-time tokens; a reload shows nothing)."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    next_url = request.session.pop(CODES_NEXT_SESSION_KEY, None) or resolve_url(settings.LOGIN_REDIRECT_URL)
    if not codes:
        return redirect(next_url)
    return render(request, "registration/otp_recovery_codes.html", {"codes": codes, "next": next_url})


@capability_required(Cap.MANAGE_SCOPES)
@require_http_methods(["GET", "POST"])
def login_unlock(request: HttpRequest) -> HttpResponse:
    """An administrator lifts the login throttle of an account or address, and may reset an
    official's second factor (lost phone)."""
    form = LoginUnlockForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.login_unlock(actor=request.user, username=data["username"], ip=data["ip"] or "")
            if data["reset_two_factor"] and user is not None:
                services.twofactor_reset(actor=request.user, user=user)
        except ValidationError as error:
            form.add_error(None, error)
        except ratelimit.LimiterUnavailable:
            form.add_error(
                None, _("Bộ đếm đăng nhập đang gián đoạn; chưa mở khóa được. Vui lòng thử lại sau ít phút.")
            )
            status = 503
        else:
            messages.success(request, _("Đã mở khóa đăng nhập."))
            return redirect("core:login-unlock")
    context = {
        "form": form,
        "account_limit": settings.LOGIN_FAILURES_PER_ACCOUNT,
        "ip_limit": settings.LOGIN_FAILURES_PER_IP,
        "minutes": ratelimit.LOGIN_FAILURES.window // 60,
    }
    return render(request, "core/login_unlock.html", context, status=status)
