"""Every read of the certificates app: the trust list, revocations, verification."""

import base64
import datetime
from typing import Any

from cryptography import x509
from django.db.models import QuerySet
from django.utils import timezone

from certificates.capabilities import CertificateCap
from certificates.dcc import verify as dcc_verify
from certificates.models import IssuedCertificate, SignerCertificate
from core.roles import user_can


def trusted_signers(kid: bytes) -> list[dcc_verify.TrustedSigner]:
    """Every active trust-list entry with this kid (the verifier tries each)."""
    rows = SignerCertificate.objects.filter(kid=base64.b64encode(kid).decode("ascii"), active=True)
    return [
        dcc_verify.TrustedSigner(
            x509.load_der_x509_certificate(bytes(row.der)),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
        )
        for row in rows
    ]


def is_revoked(uvci: str) -> bool:
    return IssuedCertificate.objects.filter(uvci=uvci, revoked_at__isnull=False).exists()


def certificate_verify(text: str, *, at: datetime.datetime | None = None) -> dcc_verify.Result:
    """Verifies a scanned or pasted ``HC1:`` text against the trust list and revocations."""
    return dcc_verify.verify(
        text, signers_for=trusted_signers, at=at or timezone.now(), is_revoked=is_revoked
    )


def signers_visible_to(user: Any) -> QuerySet[SignerCertificate]:
    if not user_can(user, CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST):
        return SignerCertificate.objects.none()
    return SignerCertificate.objects.all()


def issued_visible_to(user: Any) -> QuerySet[IssuedCertificate]:
    if not user_can(user, CertificateCap.CERTIFICATES_ISSUE):
        return IssuedCertificate.objects.none()
    return IssuedCertificate.objects.select_related("person")
