"""Issuing, verifying, revoking and the trust list, through the services and selectors."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from certificates import selectors, services
from certificates.dcc import codec, cose, cwt, payload, uvci
from certificates.dcc.verify import Step
from certificates.models import SignerCertificate
from core.models import AuditLog
from core.roles import Role
from tests.actors import SYSTEM
from tests.certificates.conftest import make_certificate, pem, rt_pcr, vaccination

pytestmark = pytest.mark.django_db

TEST_OID = "1.3.6.1.4.1.1847.2021.1.1"


def test_an_issued_certificate_verifies_and_shows_only_the_minimum(issued):
    assert issued.qr_text.startswith("HC1:") and uvci.checksum_ok(issued.uvci)
    result = selectors.certificate_verify(issued.qr_text)
    assert result.valid and result.step is None and result.uvci == issued.uvci
    summary = result.summary
    assert summary is not None
    assert (summary.name, summary.date_of_birth, summary.kind) == (
        "Nguyễn Thị Hường",
        "1990-04-02",
        "vaccination",
    )
    assert (summary.date, summary.detail) == ("2021-09-14", "2/2")
    assert set(vars(summary)) == {"name", "date_of_birth", "kind", "date", "detail"}


def test_the_payload_carries_icao_names_codes_and_claims(issued):
    claims = cwt.decode(cose.decode(codec.decode(issued.qr_text)).payload)
    assert claims.issuer == "VN"
    assert claims.payload["nam"] == {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Hường", "gnt": "THI<HUONG"}
    entry = claims.payload["v"][0]
    assert (entry["tg"], entry["co"], entry["ci"]) == (payload.COVID_19, "VN", issued.uvci)
    assert claims.expires and claims.issued_at
    assert claims.expires - claims.issued_at == datetime.timedelta(days=365)
    assert not payload.schema_errors(claims.payload)
    message = cose.decode(codec.decode(issued.qr_text))
    assert message.kid is not None
    assert message.alg == cose.ES256 and message.protected[cose.HEADER_KID] == cose.kid_of(
        selectors.trusted_signers(message.kid)[0].certificate
    )


def test_a_test_certificate_shows_its_result(province_trusted, citizen):
    issued = services.certificate_issue(actor=SYSTEM, person=citizen, kind="test", entry=rt_pcr())
    result = selectors.certificate_verify(issued.qr_text)
    assert result.valid and result.summary is not None
    assert result.summary.kind == "test" and result.summary.detail == "Âm tính"
    assert issued.expires_at - issued.issued_at == datetime.timedelta(hours=72)


def test_revoked_certificate_fails_at_revocation(issued, lab_user):
    services.certificate_revoke(actor=lab_user, certificate=issued, reason="Nhập sai mũi tiêm")
    result = selectors.certificate_verify(issued.qr_text)
    assert not result.valid and result.step == Step.REVOCATION
    assert AuditLog.objects.filter(action="certificate.revoke", target_id=str(issued.pk)).count() == 1
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=lab_user, certificate=issued, reason="lần hai")


def test_a_modified_byte_fails(issued):
    message = codec.decode(issued.qr_text)
    position = message.index("Hường".encode())
    forged = message[:position] + b"X" + message[position + 1 :]
    result = selectors.certificate_verify(codec.encode(forged))
    assert not result.valid and result.step == Step.SIGNATURE and result.summary is None
    # A changed character of the QR text itself fails too, at whichever layer it lands.
    text = issued.qr_text
    tampered = text[:60] + ("A" if text[60] != "A" else "B") + text[61:]
    assert not selectors.certificate_verify(tampered).valid


@pytest.mark.parametrize(
    ("text", "step"),
    [("HC2:6BFOXN", Step.PREFIX), ("HC1:%%%%", Step.BASE45), ("HC1:6BFOXN", Step.DECOMPRESS)],
)
def test_the_failing_step_is_named(db, text, step):
    assert selectors.certificate_verify(text).step == step


def test_unknown_kid_fails_at_trust(citizen):
    issued = services.certificate_issue(actor=SYSTEM, person=citizen, kind="vaccination", entry=vaccination())
    assert selectors.certificate_verify(issued.qr_text).step == Step.TRUST


def test_expiry_is_checked_at_the_clock(issued):
    later = issued.expires_at + datetime.timedelta(seconds=1)
    assert selectors.certificate_verify(issued.qr_text, at=later).step in (Step.EXPIRY, Step.TRUST)
    before = issued.issued_at - datetime.timedelta(minutes=1)
    assert selectors.certificate_verify(issued.qr_text, at=before).step == Step.EXPIRY


def _sign(key, certificate, data, *, days=30):
    now = timezone.now()
    claims = cwt.encode(data, issuer="VN", issued_at=now, expires=now + datetime.timedelta(days=days))
    return codec.encode(cose.sign_es256(claims, key, cose.kid_of(certificate)))


def _sample_payload(kind="test"):
    entry = {**(rt_pcr() if kind == "test" else vaccination()), "co": "VN", "is": "X", "ci": uvci.new()}
    return payload.build(family="Lê", given="Văn Ba", date_of_birth="1980", kind=kind, entry=entry)


def test_an_expired_or_removed_signer_no_longer_verifies(trust_manager):
    key, certificate = make_certificate(days=2)
    text = _sign(key, certificate, _sample_payload())
    signer = services.signer_upload(actor=trust_manager, data=pem(certificate), country="VN")
    assert selectors.certificate_verify(text).valid
    after_expiry = timezone.now() + datetime.timedelta(days=3)
    assert selectors.certificate_verify(text, at=after_expiry).step == Step.TRUST
    services.signer_remove(actor=trust_manager, signer=signer, reason="Khóa bị lộ")
    assert selectors.certificate_verify(text).step == Step.TRUST
    rows = AuditLog.objects.filter(target_type="certificates.signercertificate", target_id=str(signer.pk))
    actions = list(rows.values_list("action", flat=True))
    assert sorted(actions) == ["signer.remove", "signer.upload"]
    # Uploaded again, it is the same row, active again.
    assert services.signer_upload(actor=trust_manager, data=pem(certificate), country="VN").pk == signer.pk
    assert selectors.certificate_verify(text).valid


def test_every_signer_with_the_kid_is_tried(trust_manager, monkeypatch):
    key, certificate = make_certificate()
    _other_key, other = make_certificate()
    text = _sign(key, certificate, _sample_payload())
    services.signer_upload(actor=trust_manager, data=pem(other), country="VN")
    services.signer_upload(actor=trust_manager, data=pem(certificate), country="VN")
    # Both rows answer for the kid (a collision of the 8-byte kid); the right one verifies.
    monkeypatch.setattr(SignerCertificate, "kid", None, raising=False)
    SignerCertificate.objects.update(kid=services.kid_text(cose.kid_of(certificate)))
    assert len(selectors.trusted_signers(cose.kid_of(certificate))) == 2
    assert selectors.certificate_verify(text).valid


def test_key_usage_of_the_signer_is_enforced(trust_manager):
    key, certificate = make_certificate(eku=[TEST_OID])
    services.signer_upload(actor=trust_manager, data=pem(certificate), country="VN")
    assert selectors.certificate_verify(_sign(key, certificate, _sample_payload("test"))).valid
    result = selectors.certificate_verify(_sign(key, certificate, _sample_payload("vaccination")))
    assert result.step == Step.KEY_USAGE


def test_an_empty_extended_key_usage_means_every_type(trust_manager):
    """The pinned cryptography raises on reading an empty EKU (as on vector common/CO15)."""
    key, certificate = make_certificate(eku=[])
    with pytest.raises(ValueError):
        _ = certificate.extensions
    signer = services.signer_upload(actor=trust_manager, data=pem(certificate), country="VN")
    assert signer.key_usage == ""
    assert selectors.certificate_verify(_sign(key, certificate, _sample_payload("vaccination"))).valid


@pytest.mark.parametrize(
    ("data", "country", "message"),
    [
        (b"not a certificate", "VN", "không phải chứng chỉ X.509"),
        (None, "XX", "Mã quốc gia không hợp lệ"),
        ("expired", "VN", "đã hết hạn"),
    ],
)
def test_upload_refuses_bad_input_with_a_message(trust_manager, data, country, message):
    if data is None:
        data = pem(make_certificate()[1])
    elif data == "expired":
        data = pem(make_certificate(days=-1, start_days=-10)[1])
    with pytest.raises(ValidationError) as error:
        services.signer_upload(actor=trust_manager, data=data, country=country)
    assert message in " ".join(error.value.messages)
    assert not SignerCertificate.objects.exists()


def test_upload_accepts_der_and_refuses_a_duplicate(trust_manager):
    from cryptography.hazmat.primitives import serialization

    certificate = make_certificate()[1]
    services.signer_upload(
        actor=trust_manager, data=certificate.public_bytes(serialization.Encoding.DER), country="de"
    )
    assert SignerCertificate.objects.get().country == "DE"
    with pytest.raises(ValidationError):
        services.signer_upload(actor=trust_manager, data=pem(certificate), country="DE")


def test_only_the_right_roles_write(make_user, province, citizen, issued):
    operator, lab, secretariat = (
        make_user(r) for r in (Role.CHECKPOINT_OPERATOR, Role.LAB_STAFF, Role.SECRETARIAT)
    )
    before = (SignerCertificate.objects.count(), AuditLog.objects.count())
    with pytest.raises(PermissionDenied):
        services.signer_upload(actor=operator, data=pem(make_certificate()[1]), country="VN")
    with pytest.raises(PermissionDenied):
        services.signer_remove(actor=lab, signer=SignerCertificate.objects.get())
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=operator, person=citizen, kind="test", entry=rt_pcr())
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=secretariat, certificate=issued, reason="x")
    assert (SignerCertificate.objects.count(), AuditLog.objects.count()) == before


def test_issue_refuses_codes_outside_the_value_sets(citizen):
    entry = {**rt_pcr(), "tr": "positive"}
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(actor=SYSTEM, person=citizen, kind="test", entry=entry)
    assert "tr='positive'" in " ".join(error.value.messages)
