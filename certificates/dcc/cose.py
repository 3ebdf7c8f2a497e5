"""COSE_Sign1 (RFC 8152 §4.2) for ES256 and PS256, over ``cryptography``.

Written by hand: a certificate uses one message type and two algorithms, fewer lines than a
COSE library's dependencies (pycose pulls in ecdsa, oscrypto, certvalidator).
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from certificates.dcc.codec import DccError

ES256 = -7
PS256 = -37
HEADER_ALG = 1
HEADER_KID = 4
TAG_SIGN1 = 18
TAG_CWT = 61
ES256_SIZE = 32  # bytes of r and of s (P-256)


def kid_of(certificate: x509.Certificate) -> bytes:
    """The key identifier of a signer: the first 8 bytes of the SHA-256 of its DER (hcert §3.3.1)."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()[:8]


@dataclass(frozen=True)
class Sign1:
    protected_bytes: bytes
    protected: dict[Any, Any]
    unprotected: dict[Any, Any]
    payload: bytes
    signature: bytes

    @property
    def kid(self) -> bytes | None:
        # The protected header wins: an unprotected kid is only a hint when none is signed.
        kid = self.protected.get(HEADER_KID, self.unprotected.get(HEADER_KID))
        return kid if isinstance(kid, bytes) else None

    @property
    def alg(self) -> Any:
        return self.protected.get(HEADER_ALG, self.unprotected.get(HEADER_ALG))

    def to_be_signed(self) -> bytes:
        return cbor2.dumps(["Signature1", self.protected_bytes, b"", self.payload])


def _untag(item: Any) -> Any:
    # A CWT may carry the CWT tag (61) around the COSE_Sign1 tag (18), or either, or none.
    if isinstance(item, cbor2.CBORTag) and item.tag == TAG_CWT:
        item = item.value
    if isinstance(item, cbor2.CBORTag):
        if item.tag != TAG_SIGN1:
            raise DccError("cose", f"unexpected CBOR tag {item.tag}")
        item = item.value
    return item


def decode(data: bytes) -> Sign1:
    try:
        item = _untag(cbor2.loads(data))
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as exc:
        raise DccError("cose", str(exc)) from exc
    if not isinstance(item, list | tuple) or len(item) != 4:
        raise DccError("cose", "not a COSE_Sign1 array")
    protected_bytes, unprotected, payload, signature = item
    if not all(isinstance(x, bytes) for x in (protected_bytes, payload, signature)):
        raise DccError("cose", "COSE_Sign1 fields of the wrong type")
    try:
        protected = cbor2.loads(protected_bytes) if protected_bytes else {}
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise DccError("cose", "protected header") from exc
    if not isinstance(protected, Mapping) or not isinstance(unprotected, Mapping):
        raise DccError("cose", "headers are not maps")
    return Sign1(bytes(protected_bytes), dict(protected), dict(unprotected), payload, signature)


def sign_es256(payload: bytes, key: ec.EllipticCurvePrivateKey, kid: bytes) -> bytes:
    protected = cbor2.dumps({HEADER_ALG: ES256, HEADER_KID: kid})
    message = Sign1(protected, {}, {}, payload, b"")
    der = key.sign(message.to_be_signed(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(ES256_SIZE, "big") + s.to_bytes(ES256_SIZE, "big")
    return cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, [protected, {}, payload, signature]))


def signature_valid(message: Sign1, public_key: Any) -> bool:
    data = message.to_be_signed()
    try:
        if (
            message.alg == ES256
            and isinstance(public_key, ec.EllipticCurvePublicKey)
            and public_key.curve.name == "secp256r1"
        ):
            if len(message.signature) != 2 * ES256_SIZE:
                return False
            r = int.from_bytes(message.signature[:ES256_SIZE], "big")
            s = int.from_bytes(message.signature[ES256_SIZE:], "big")
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
            return True
        if message.alg == PS256 and isinstance(public_key, rsa.RSAPublicKey):
            # RFC 8230 §2: the salt is as long as the hash.
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
            public_key.verify(message.signature, data, pss, hashes.SHA256())
            return True
    except InvalidSignature:
        return False
    return False
