"""Every write of the certificates app: ``<entity>_<action>(*, actor, ...)``, one audit row each."""

import base64
import datetime
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.capabilities import CertificateCap
from certificates.dcc import codec, cose, cwt, names, payload, uvci
from certificates.dcc.verify import allowed_kinds
from certificates.models import IssuedCertificate, SignerCertificate
from certificates.signing import province_signer
from core.audit import audit
from core.models import Person
from core.roles import require_capability

Actor = Any
MIN_RSA_BITS = 2048


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def kid_text(kid: bytes) -> str:
    return base64.b64encode(kid).decode("ascii")


# --- Trust list -----------------------------------------------------------------------------


def _parse_certificate(data: bytes) -> x509.Certificate:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ValidationError(_("Tệp không phải chứng chỉ X.509 (PEM hoặc DER).")) from exc


def _check_signer(certificate: x509.Certificate, country: str) -> None:
    if country not in payload.value_set("country-2-codes"):
        raise ValidationError(_("Mã quốc gia không hợp lệ (hai chữ cái theo ISO 3166, ví dụ VN)."))
    key = certificate.public_key()
    ec_ok = isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
    rsa_ok = isinstance(key, rsa.RSAPublicKey) and key.key_size >= MIN_RSA_BITS
    if not (ec_ok or rsa_ok):
        raise ValidationError(
            _("Khóa của chứng chỉ phải là ECDSA P-256 (ES256) hoặc RSA từ 2048 bit (PS256).")
        )
    if certificate.not_valid_after_utc <= timezone.now():
        raise ValidationError(_("Chứng chỉ đã hết hạn."))


def signer_upload(
    *, actor: Actor, data: bytes, country: str, own_province: bool = False
) -> SignerCertificate:
    """Adds a signer certificate (PEM or DER) to the trust list, or puts a removed one back."""
    require_capability(actor, CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST)
    certificate = _parse_certificate(data)
    country = country.strip().upper()
    _check_signer(certificate, country)
    der = certificate.public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    usage = allowed_kinds(certificate)
    with transaction.atomic():
        signer = SignerCertificate.objects.select_for_update().filter(fingerprint=fingerprint).first()
        if signer is not None and signer.active:
            raise ValidationError(_("Chứng chỉ này đã có trong danh sách tin cậy."))
        signer = signer or SignerCertificate(fingerprint=fingerprint, der=der)
        signer.country = country
        signer.kid = kid_text(cose.kid_of(certificate))
        signer.subject = certificate.subject.rfc4514_string()[:300]
        signer.valid_from = certificate.not_valid_before_utc
        signer.valid_until = certificate.not_valid_after_utc
        signer.key_usage = ",".join(sorted(usage)) if usage else ""
        signer.own_province = own_province
        signer.active, signer.removed_at, signer.removed_by = True, None, None
        signer.added_at, signer.added_by = timezone.now(), _user(actor)
        signer.save()
        audit(
            actor=actor,
            action="signer.upload",
            target=signer,
            details={"country": country, "kid": signer.kid, "fingerprint": fingerprint},
        )
    return signer


def signer_remove(*, actor: Actor, signer: SignerCertificate, reason: str = "") -> SignerCertificate:
    """Takes a signer off the trust list: its certificates no longer verify. The row stays."""
    require_capability(actor, CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST)
    with transaction.atomic():
        signer = SignerCertificate.objects.select_for_update().get(pk=signer.pk)
        if not signer.active:
            raise ValidationError(_("Chứng chỉ này đã được gỡ khỏi danh sách tin cậy."))
        signer.active, signer.removed_at, signer.removed_by = False, timezone.now(), _user(actor)
        signer.save(update_fields=["active", "removed_at", "removed_by"])
        audit(actor=actor, action="signer.remove", target=signer, reason=reason, details={"kid": signer.kid})
    return signer


# --- Issuing and revoking -------------------------------------------------------------------


def _validity(kind: str) -> datetime.timedelta:
    if kind == IssuedCertificate.Kind.TEST:
        return datetime.timedelta(hours=settings.DCC_TEST_VALIDITY_HOURS)
    return datetime.timedelta(days=settings.DCC_VACCINATION_VALIDITY_DAYS)


def _date_of_birth(person: Person) -> str:
    if person.date_of_birth:
        return person.date_of_birth.isoformat()
    return str(person.birth_year) if person.birth_year else ""


def certificate_issue(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    entry: dict[str, Any],
    family_name: str = "",
    given_name: str = "",
    issued_at: datetime.datetime | None = None,
) -> IssuedCertificate:
    """Signs a test or vaccination certificate for ``person``.

    ``entry`` is the event without issuer fields, as built by ``payload.test_entry`` or
    ``payload.vaccination_entry``; the country, issuer and a new identifier are added here.
    The name is split Vietnamese-style (family name first) unless given.
    """
    require_capability(actor, CertificateCap.CERTIFICATES_ISSUE)
    if kind not in IssuedCertificate.Kind.values:
        raise ValidationError(_("Loại chứng nhận không hợp lệ."))
    if not (family_name or given_name):
        family_name, given_name = names.split_vietnamese(person.full_name)
    identifier = uvci.new("VN")
    entry = {**entry, "co": "VN", "is": settings.DCC_ISSUER[:80], "ci": identifier}
    unknown = payload.unknown_codes(kind, entry)
    if unknown:
        raise ValidationError(
            _("Mã không có trong danh mục EU DCC: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    data = payload.build(
        family=family_name, given=given_name, date_of_birth=_date_of_birth(person), kind=kind, entry=entry
    )
    errors = payload.schema_errors(data)
    if errors:
        raise ValidationError(
            _("Nội dung chứng nhận không đúng lược đồ EU DCC: %(errors)s") % {"errors": errors[0]}
        )
    signer = province_signer()
    now = issued_at or timezone.now()
    # A certificate never outlives the key that signed it (hcert §3.3.2).
    expires = min(now + _validity(kind), signer.certificate.not_valid_after_utc)
    claims = cwt.encode(data, issuer="VN", issued_at=now, expires=expires)
    qr_text = codec.encode(cose.sign_es256(claims, signer.key, signer.kid))
    with transaction.atomic():
        certificate = IssuedCertificate.objects.create(
            uvci=identifier,
            kind=kind,
            person=person,
            kid=kid_text(signer.kid),
            issued_at=now,
            expires_at=expires,
            qr_text=qr_text,
            issued_by=_user(actor),
        )
        audit(
            actor=actor,
            action="certificate.issue",
            target=certificate,
            details={"kind": kind, "person_id": person.pk},
        )
    return certificate


def certificate_revoke(*, actor: Actor, certificate: IssuedCertificate, reason: str) -> IssuedCertificate:
    """Revokes by identifier: the certificate fails verification here from now on."""
    require_capability(actor, CertificateCap.CERTIFICATES_ISSUE)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Vui lòng nhập lý do thu hồi."))
    with transaction.atomic():
        certificate = IssuedCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise ValidationError(_("Chứng nhận này đã bị thu hồi."))
        certificate.revoked_at, certificate.revoked_by = timezone.now(), _user(actor)
        certificate.revocation_reason = reason[:300]
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit(actor=actor, action="certificate.revoke", target=certificate, reason=reason)
    return certificate
