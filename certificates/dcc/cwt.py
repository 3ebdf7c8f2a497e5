"""CBOR Web Token claims of a certificate (RFC 8392; hcert §2.6.2)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from certificates.dcc.codec import DccError

ISS, EXP, IAT, HCERT = 1, 4, 6, -260
EU_DCC_V1 = 1


@dataclass(frozen=True)
class Claims:
    issuer: str
    issued_at: datetime.datetime | None
    expires: datetime.datetime | None
    payload: dict[str, Any]


def encode(
    payload: dict[str, Any], *, issuer: str, issued_at: datetime.datetime, expires: datetime.datetime
) -> bytes:
    return cbor2.dumps(
        {
            ISS: issuer,
            IAT: int(issued_at.timestamp()),
            EXP: int(expires.timestamp()),
            HCERT: {EU_DCC_V1: payload},
        }
    )


def _time(value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DccError("cwt", "time claim is not a number")
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def _thaw(value: Any) -> Any:
    """Plain dicts and lists (cbor2 decodes some maps as immutable mappings)."""
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(v) for v in value]
    return value


def decode(data: bytes) -> Claims:
    try:
        claims = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as exc:
        raise DccError("cwt", str(exc)) from exc
    if not isinstance(claims, Mapping):
        raise DccError("cwt", "claims are not a map")
    hcert = claims.get(HCERT)
    if not isinstance(hcert, Mapping) or not isinstance(hcert.get(EU_DCC_V1), Mapping):
        raise DccError("cwt", "no EU DCC payload (-260/1)")
    issuer = claims.get(ISS, "")
    return Claims(
        issuer=issuer if isinstance(issuer, str) else "",
        issued_at=_time(claims.get(IAT)),
        expires=_time(claims.get(EXP)),
        payload=_thaw(hcert[EU_DCC_V1]),
    )
