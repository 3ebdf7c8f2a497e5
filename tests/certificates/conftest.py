"""Fixtures of the certificates tests: the province's demo signer in the trust list, a citizen,
and certificates issued through the service."""

import datetime
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from certificates import services
from certificates.dcc import payload
from certificates.models import IssuedCertificate, SignerCertificate
from certificates.signing import province_signer
from core import services as core_services
from core.models import Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.core.fixtures import person_data


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def make_certificate(
    *, days: float = 365, eku: list[str] | None = None, key: Any = None, start_days: float = -1
) -> tuple[Any, x509.Certificate]:
    """A self-signed P-256 signer; ``eku=[]`` writes an empty extended key usage."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, "t")]
    )
    now = datetime.datetime.now(tz=datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=start_days))
        .not_valid_after(now + datetime.timedelta(days=days))
    )
    if eku is not None:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.ObjectIdentifier(o) for o in eku]), critical=False
        )
    return key, builder.sign(key, hashes.SHA256())


def vaccination(dose: int = 2) -> dict[str, Any]:
    return payload.vaccination_entry(
        product="EU/1/21/1529",
        manufacturer="ORG-100001699",
        prophylaxis="29061000087103",
        dose=dose,
        doses=2,
        date=datetime.date(2021, 9, 14),
    )


def rt_pcr(result: str = payload.NOT_DETECTED) -> dict[str, Any]:
    return payload.test_entry(
        test_type=payload.NAAT,
        result=result,
        sampled_at=timezone.now() - datetime.timedelta(hours=3),
        centre="CDC Thanh Hóa",
        name="RT-PCR",
    )


@pytest.fixture
def province_trusted(db) -> SignerCertificate:
    return services.signer_upload(
        actor=SYSTEM, data=pem(province_signer().certificate), country="VN", own_province=True
    )


@pytest.fixture
def citizen(db) -> Person:
    return core_services.person_create(
        actor=SYSTEM,
        data=person_data(
            full_name="Nguyễn Thị Hường", sex=Person.Sex.FEMALE, date_of_birth=datetime.date(1990, 4, 2)
        ),
    )


@pytest.fixture
def issued(province_trusted, citizen) -> IssuedCertificate:
    return services.certificate_issue(actor=SYSTEM, person=citizen, kind="vaccination", entry=vaccination())


@pytest.fixture
def lab_user(make_user, province) -> Any:
    return make_user(Role.LAB_STAFF, province_wide=True)


@pytest.fixture
def trust_manager(make_user, province) -> Any:
    return make_user(Role.SECRETARIAT, province_wide=True)
