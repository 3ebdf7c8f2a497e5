"""Forms of the officials' login: password (throttled), one-time code, administrator's unlock."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import ratelimit


def throttled_message() -> str:
    return gettext(
        "Đã nhập sai quá nhiều lần. Vui lòng đợi %(minutes)d phút rồi thử lại, "
        "hoặc nhờ quản trị viên mở khóa tài khoản."
    ) % {"minutes": ratelimit.LOGIN_FAILURES.window // 60}


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form behind the login throttle (``core.ratelimit``): an account or address
    with too many recent wrong passwords is refused before the password is even checked, so the
    right password after a hundred wrong ones is refused too. Only wrong passwords count."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại."),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = ratelimit.client_ip(self.request) if self.request is not None else ""
        if username and ratelimit.login_blocked(username, ip):
            raise ValidationError(throttled_message(), code="throttled")
        try:
            return super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login":
                ratelimit.login_failed(username, ip)
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


class LoginUnlockForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150, required=False)
    ip = forms.GenericIPAddressField(label=_("Địa chỉ IP"), required=False)
    reset_two_factor = forms.BooleanField(
        label=_("Đặt lại xác thực hai bước (mất điện thoại và mã dự phòng): đăng ký lại ở lần đăng nhập tới"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("username") and not cleaned.get("ip"):
            raise ValidationError(_("Nhập tên đăng nhập hoặc địa chỉ IP cần mở khóa."))
        if cleaned.get("reset_two_factor") and not cleaned.get("username"):
            raise ValidationError(_("Đặt lại xác thực hai bước cần tên đăng nhập."))
        return cleaned
