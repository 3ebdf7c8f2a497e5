"""Forms of the verification page and the trust list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QR_TEXT = 8000  # a certificate's QR text is well under 1,000 characters
MAX_CERTIFICATE_BYTES = 64 * 1024


class VerifyForm(forms.Form):
    payload = forms.CharField(
        label=_("Mã chứng nhận (bắt đầu bằng HC1:)"),
        max_length=MAX_QR_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Vui lòng dán hoặc quét mã chứng nhận.")},
    )


class SignerUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp chứng chỉ (PEM hoặc DER)"), required=False)
    pem = forms.CharField(
        label=_("hoặc dán chứng chỉ PEM"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    country = forms.CharField(label=_("Quốc gia (mã ISO 2 chữ cái)"), max_length=2, initial="VN")
    own_province = forms.BooleanField(label=_("Khóa ký của tỉnh"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_CERTIFICATE_BYTES:
                raise forms.ValidationError(_("Tệp quá lớn cho một chứng chỉ (tối đa 64 KB)."))
            cleaned["data"] = upload.read()
        elif cleaned.get("pem", "").strip():
            cleaned["data"] = cleaned["pem"].strip().encode()
        else:
            raise forms.ValidationError(_("Vui lòng chọn tệp chứng chỉ hoặc dán nội dung PEM."))
        return cleaned


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Lý do gỡ"), max_length=300, required=False)
