"""Verification of a scanned or pasted certificate, step by step; the first failing step is
the answer. The trust list and the revocation list are passed in, so this module needs no
database."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography import x509
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certificates.dcc import codec, cose, cwt, payload
from certificates.dcc.codec import DccError

# Extended key usage of a signer certificate (hcert §5.1.1): which types it may sign. A
# certificate without any of them may sign every type. The published test data (and signers
# issued from it) also use the variant with an extra ``.0`` arc; verifiers accept both.
KEY_USAGE_OIDS = {
    f"1.3.6.1.4.1.{arc}1847.2021.1.{n}": kind
    for arc in ("", "0.")
    for n, kind in (("1", "test"), ("2", "vaccination"), ("3", "recovery"))
}


class Step(StrEnum):
    PREFIX = "prefix"
    BASE45 = "base45"
    DECOMPRESS = "decompress"
    COSE = "cose"
    TRUST = "trust"
    SIGNATURE = "signature"
    CWT = "cwt"
    SCHEMA = "schema"
    EXPIRY = "expiry"
    KEY_USAGE = "key_usage"
    REVOCATION = "revocation"


MESSAGES = {
    Step.PREFIX: _("Không phải chứng nhận COVID-19 số: mã không bắt đầu bằng HC1:."),
    Step.BASE45: _("Mã bị hỏng: không giải được Base45."),
    Step.DECOMPRESS: _("Mã bị hỏng: không giải nén được."),
    Step.COSE: _("Mã bị hỏng: không đọc được chữ ký COSE."),
    Step.TRUST: _("Không có chứng chỉ ký còn hiệu lực trong danh sách tin cậy cho mã khóa (kid) này."),
    Step.SIGNATURE: _("Chữ ký không hợp lệ: chứng nhận đã bị sửa hoặc giả mạo."),
    Step.CWT: _("Nội dung đã ký không đúng cấu trúc chứng nhận (CWT)."),
    Step.SCHEMA: _("Nội dung chứng nhận không đúng lược đồ EU DCC."),
    Step.EXPIRY: _("Chứng nhận đã hết hạn hoặc chưa có hiệu lực."),
    Step.KEY_USAGE: _("Chứng chỉ ký không được phép ký loại chứng nhận này."),
    Step.REVOCATION: _("Chứng nhận đã bị thu hồi."),
}
KIND_LABELS = {
    "vaccination": pgettext_lazy("certificate type", "Tiêm chủng"),
    "test": pgettext_lazy("certificate type", "Xét nghiệm"),
    "recovery": pgettext_lazy("certificate type", "Khỏi bệnh"),
}
RESULT_LABELS = {payload.NOT_DETECTED: _("Âm tính"), payload.DETECTED: _("Dương tính")}


@dataclass(frozen=True)
class TrustedSigner:
    """One trust-list entry; several may share a kid (verifiers try each)."""

    certificate: x509.Certificate
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None

    def valid_at(self, at: datetime.datetime) -> bool:
        start = self.valid_from or self.certificate.not_valid_before_utc
        end = self.valid_until or self.certificate.not_valid_after_utc
        return start <= at <= end


@dataclass(frozen=True)
class Summary:
    """The minimum a verifier may see (Decision 2021/1073 Annex: no more than needed)."""

    name: str
    date_of_birth: str
    kind: str
    date: str
    detail: str  # test result, or dose "n/m"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def date_display(self) -> str:
        """A test's sampling time in local time (Asia/Ho_Chi_Minh); dates as they are."""
        try:
            moment = datetime.datetime.fromisoformat(self.date.replace("Z", "+00:00"))
        except ValueError:
            return self.date
        if "T" not in self.date or moment.tzinfo is None:
            return self.date
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class Result:
    valid: bool
    step: Step | None = None
    summary: Summary | None = None
    uvci: str = ""

    @property
    def message(self) -> str:
        return str(MESSAGES[self.step]) if self.step else str(_("Chứng nhận hợp lệ."))


SignerLookup = Callable[[bytes], Iterable[TrustedSigner]]


def allowed_kinds(certificate: x509.Certificate) -> set[str] | None:
    """Types the signer may sign; None means all. An empty or unreadable extended key usage
    counts as none present (the pinned ``cryptography`` raises on some encodings)."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        oids = {oid.dotted_string for oid in usage}
    except (x509.ExtensionNotFound, ValueError):  # ValueError: a malformed extension (CO15)
        return None
    kinds = {kind for oid, kind in KEY_USAGE_OIDS.items() if oid in oids}
    return kinds or None


def key_usage_allows(certificate: x509.Certificate, kind: str | None) -> bool:
    allowed = allowed_kinds(certificate)
    return allowed is None or kind in allowed


def verify_cose(
    data: bytes, signers_for: SignerLookup, at: datetime.datetime | None = None
) -> tuple[cose.Sign1, TrustedSigner]:
    """The message and the trust-list entry whose key verifies it, trying every entry with the
    message's kid (valid at ``at`` when given)."""
    message = cose.decode(data)
    candidates = [s for s in signers_for(message.kid) if at is None or s.valid_at(at)] if message.kid else []
    if not candidates:
        raise DccError(Step.TRUST)
    for signer in candidates:
        if cose.signature_valid(message, signer.certificate.public_key()):
            return message, signer
    raise DccError(Step.SIGNATURE)


def within_validity(claims: cwt.Claims, at: datetime.datetime) -> bool:
    if claims.expires is None or at > claims.expires:
        return False
    return claims.issued_at is None or at >= claims.issued_at


def summary(data: dict[str, Any]) -> Summary:
    kind = payload.kind_of(data) or ""
    entry = payload.entry_of(data)
    names = data.get("nam", {})
    name = " ".join(
        x for x in (names.get("fn") or names.get("fnt", ""), names.get("gn") or names.get("gnt", "")) if x
    )
    if kind == "vaccination":
        date, detail = entry.get("dt", ""), f"{entry.get('dn', '?')}/{entry.get('sd', '?')}"
    elif kind == "test":
        date, detail = entry.get("sc", ""), str(RESULT_LABELS.get(str(entry.get("tr")), entry.get("tr", "")))
    else:
        date, detail = entry.get("fr", ""), ""
    return Summary(
        name=name, date_of_birth=str(data.get("dob", "")), kind=kind, date=str(date), detail=detail
    )


def verify(
    text: str,
    *,
    signers_for: SignerLookup,
    at: datetime.datetime,
    is_revoked: Callable[[str], bool] = lambda uvci: False,
) -> Result:
    try:
        message, signer = verify_cose(codec.decode(text), signers_for, at)
        claims = cwt.decode(message.payload)
    except DccError as exc:
        return Result(valid=False, step=Step(exc.step))
    if payload.schema_errors(claims.payload):
        return Result(valid=False, step=Step.SCHEMA)
    data = claims.payload
    kind = payload.kind_of(data)
    uvci = str(payload.entry_of(data).get("ci", ""))
    found = summary(data)
    if not within_validity(claims, at):
        return Result(valid=False, step=Step.EXPIRY, summary=found, uvci=uvci)
    if not key_usage_allows(signer.certificate, kind):
        return Result(valid=False, step=Step.KEY_USAGE, summary=found, uvci=uvci)
    if uvci and is_revoked(uvci):
        return Result(valid=False, step=Step.REVOCATION, summary=found, uvci=uvci)
    return Result(valid=True, summary=found, uvci=uvci)
