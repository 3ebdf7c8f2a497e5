"""The province's document signer: its ECDSA P-256 key and certificate.

Production names them in ``PORTAL_DCC_SIGNING_KEY`` and ``PORTAL_DCC_SIGNING_CERT`` (paths of PEM
files, or the PEM text itself). Local and test settings (``DCC_DEMO_SIGNER``) generate a
self-signed demo pair once, in ``var/dcc/demo-signer.pem``; it is marked as a demo in its name.
"""

import contextlib
import datetime
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from certificates.dcc import cose
from certificates.dcc.verify import KEY_USAGE_OIDS


@dataclass(frozen=True)
class Signer:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def kid(self) -> bytes:
        return cose.kid_of(self.certificate)


def _pem(value: str) -> bytes:
    return value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()


def _load(key_pem: bytes, cert_pem: bytes) -> Signer:
    key = serialization.load_pem_private_key(key_pem, password=None)
    certificate = x509.load_pem_x509_certificate(cert_pem)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("PORTAL_DCC_SIGNING_KEY must be an ECDSA P-256 private key")
    if key.public_key() != certificate.public_key():
        raise ImproperlyConfigured("PORTAL_DCC_SIGNING_KEY does not match PORTAL_DCC_SIGNING_CERT")
    return Signer(key, certificate)


def demo_certificate(
    key: ec.EllipticCurvePrivateKey,
    *,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    common_name: str = "DSC demo",
    usages: tuple[str, ...] = ("test", "vaccination"),
) -> x509.Certificate:
    """A self-signed signer certificate (demo and tests)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{settings.PROVINCE_NAME} (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    oids = [x509.ObjectIdentifier(oid) for oid, kind in KEY_USAGE_OIDS.items() if kind in usages]
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if oids:
        builder = builder.add_extension(x509.ExtendedKeyUsage(oids[:3]), critical=False)
    return builder.sign(key, hashes.SHA256())


def _demo_pair(path: Path) -> bytes:
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(tz=datetime.UTC)
        certificate = demo_certificate(
            key, not_before=now - datetime.timedelta(days=1), not_after=now + datetime.timedelta(days=3 * 365)
        )
        text = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ) + certificate.public_bytes(serialization.Encoding.PEM)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then linked into place once: parallel processes all use the first pair.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(text)
        os.chmod(tmp.name, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp.name, path)  # atomic, and fails if another process got there first
        os.unlink(tmp.name)
    return path.read_bytes()


def province_signer() -> Signer:
    if settings.DCC_SIGNING_KEY and settings.DCC_SIGNING_CERT:
        return _load(_pem(settings.DCC_SIGNING_KEY), _pem(settings.DCC_SIGNING_CERT))
    if settings.DCC_DEMO_SIGNER:
        pem = _demo_pair(Path(settings.VAR_DIR) / "dcc" / "demo-signer.pem")
        return _load(pem, pem)
    raise ImproperlyConfigured("Set PORTAL_DCC_SIGNING_KEY and PORTAL_DCC_SIGNING_CERT to issue certificates")
