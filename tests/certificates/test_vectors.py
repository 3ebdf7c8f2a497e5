"""The public EU DCC test vectors (dcc-testdata/, Apache-2.0): every file × every key of its
EXPECTEDRESULTS. A country's folder in the same layout (``<CC>/2DCode/raw/*.json``) runs by only
being added. A key whose input the file lacks is skipped with that reason; a key this test does
not know fails, so a new kind of expectation cannot pass unnoticed."""

import base64
import datetime
import json
from pathlib import Path
from typing import Any

import cbor2
import pytest
from cryptography import x509

from certificates.dcc import codec, cose, cwt, payload, verify
from certificates.dcc.codec import DccError
from tests.certificates.qr import read_qr

VECTORS = Path(__file__).resolve().parent / "dcc-testdata"
FILES = sorted(VECTORS.glob("*/2DCode/raw/*.json"))


def _cases() -> list[Any]:
    cases = []
    for path in FILES:
        name = str(path.relative_to(VECTORS))
        for key, expected in json.loads(path.read_text("utf-8")).get("EXPECTEDRESULTS", {}).items():
            cases.append(pytest.param(path, key, expected, id=f"{name}:{key}"))
    return cases


class Vector:
    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.data = json.loads(path.read_text("utf-8"))
        self.ctx = self.data.get("TESTCTX", {})

    def need(self, *fields: str) -> None:
        for field in fields:
            source = self.ctx if field in ("CERTIFICATE", "VALIDATIONCLOCK") else self.data
            if not source.get(field):
                pytest.skip(f"{self.name} has no {field}: this step cannot be run")

    def hex(self, field: str) -> bytes:
        return bytes.fromhex(self.data[field])

    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(base64.b64decode(self.ctx["CERTIFICATE"]))

    def signers(self, kid: bytes) -> list[verify.TrustedSigner]:
        certificate = self.certificate()
        return [verify.TrustedSigner(certificate)] if cose.kid_of(certificate) == kid else []

    def clock(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.ctx["VALIDATIONCLOCK"])


def _plain(value: Any) -> Any:
    """CBOR → JSON values: dates and times (tags 0, 1, 1004) as the strings the JSON holds."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _cbor_payload(v: Vector) -> Any:
    """The payload in ``CBOR``: some countries put the payload there, others the whole CWT."""
    decoded = cbor2.loads(v.hex("CBOR"))
    if isinstance(decoded, dict) and cwt.HCERT in decoded:
        return cwt.decode(v.hex("CBOR")).payload
    return _plain(decoded)


def check_valid_object(v: Vector) -> bool:
    v.need("JSON")
    return not payload.schema_errors(v.data["JSON"])


def check_schema(v: Vector) -> bool:
    v.need("CBOR")
    try:
        return not payload.schema_errors(_cbor_payload(v))
    except (cbor2.CBORDecodeError, DccError):
        return False


def check_encode(v: Vector) -> bool:
    v.need("JSON", "CBOR")
    return cbor2.loads(cbor2.dumps(v.data["JSON"])) == _cbor_payload(v)


def check_decode(v: Vector) -> bool:
    v.need("CBOR", "JSON")
    try:
        decoded = _cbor_payload(v)
        if v.data.get("COSE"):
            signed = _plain(cwt.decode(cose.decode(v.hex("COSE")).payload).payload)
            if signed != decoded:
                return False
    except (cbor2.CBORDecodeError, DccError):
        return False
    return decoded == v.data["JSON"]


def check_verify(v: Vector) -> bool:
    v.need("COSE", "CERTIFICATE")
    try:
        message, _signer = verify.verify_cose(v.hex("COSE"), v.signers)
        cwt.decode(message.payload)
    except DccError:
        return False
    return True


def check_unprefix(v: Vector) -> bool:
    v.need("PREFIX", "BASE45")
    try:
        return codec.unprefix(v.data["PREFIX"]) == v.data["BASE45"]
    except DccError:
        return False


def check_valid_json(v: Vector) -> bool:
    v.need("PREFIX", "JSON")
    try:
        claims = cwt.decode(cose.decode(codec.decode(v.data["PREFIX"])).payload)
    except DccError:
        return False
    return _plain(claims.payload) == v.data["JSON"]


def check_compression(v: Vector) -> bool:
    v.need("COMPRESSED", "COSE")
    try:
        return codec.decompress(v.hex("COMPRESSED")) == v.hex("COSE")
    except DccError:
        return False


def check_b45(v: Vector) -> bool:
    v.need("BASE45", "COMPRESSED")
    try:
        return codec.b45decode(v.data["BASE45"]) == v.hex("COMPRESSED")
    except DccError:
        return False


def check_picture(v: Vector) -> bool:
    v.need("2DCODE", "PREFIX")
    return read_qr(base64.b64decode(v.data["2DCODE"])) == [v.data["PREFIX"]]


def check_expiration(v: Vector) -> bool:
    v.need("COSE", "VALIDATIONCLOCK")
    try:
        claims = cwt.decode(cose.decode(v.hex("COSE")).payload)
    except DccError:
        return False
    return verify.within_validity(claims, v.clock())


def check_key_usage(v: Vector) -> bool:
    v.need("COSE", "CERTIFICATE")
    try:
        message, signer = verify.verify_cose(v.hex("COSE"), v.signers)
        kind = payload.kind_of(cwt.decode(message.payload).payload)
    except DccError:
        return False
    return verify.key_usage_allows(signer.certificate, kind)


CHECKS = {
    "EXPECTEDVALIDOBJECT": check_valid_object,
    "EXPECTEDSCHEMAVALIDATION": check_schema,
    "EXPECTEDENCODE": check_encode,
    "EXPECTEDDECODE": check_decode,
    "EXPECTEDVERIFY": check_verify,
    "EXPECTEDUNPREFIX": check_unprefix,
    "EXPECTEDVALIDJSON": check_valid_json,
    "EXPECTEDCOMPRESSION": check_compression,
    "EXPECTEDB45DECODE": check_b45,
    "EXPECTEDPICTUREDECODE": check_picture,
    "EXPECTEDEXPIRATIONCHECK": check_expiration,
    "EXPECTEDKEYUSAGE": check_key_usage,
}


def test_the_vectors_are_there():
    assert len(FILES) >= 46, FILES


@pytest.mark.parametrize(("path", "key", "expected"), _cases())
def test_vector(path: Path, key: str, expected: bool) -> None:
    check = CHECKS.get(key)
    if check is None:
        pytest.fail(f"no check for {key}: add one to CHECKS")
    assert check(Vector(path)) is expected
