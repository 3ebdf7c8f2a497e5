"""The certificate's content (the DCC payload): building it, checking it against the JSON
schema (release 1.3.3) and the value sets (release 2.12.0), and naming its type."""

import datetime
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

from certificates.dcc.names import transliterate

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_VERSION = "1.3.3"
COVID_19 = "840539006"  # SNOMED CT: disease or agent targeted
NOT_DETECTED, DETECTED = "260415000", "260373001"
NAAT, RAT = "LP6464-4", "LP217198-3"
KINDS = {"v": "vaccination", "t": "test", "r": "recovery"}
GROUPS = {kind: key for key, kind in KINDS.items()}


@functools.cache
def schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA_DIR / "dcc-schema" / "DCC.combined-schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(payload: Any) -> list[str]:
    """What makes ``payload`` invalid under the schema (empty when valid)."""
    return [error.message for error in schema_validator().iter_errors(payload)][:5]


@functools.cache
def value_set(name: str) -> dict[str, str]:
    """Code → English display name of one value set (e.g. ``vaccine-medicinal-product``)."""
    data = json.loads((DATA_DIR / "dcc-valuesets" / f"{name}.json").read_text("utf-8"))
    return {code: entry["display"] for code, entry in data["valueSetValues"].items()}


def kind_of(payload: Any) -> str | None:
    """``vaccination``, ``test`` or ``recovery``; None unless exactly one group is present."""
    if not isinstance(payload, dict):
        return None
    present = [kind for key, kind in KINDS.items() if key in payload]
    return present[0] if len(present) == 1 else None


def entry_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The one event (``v``, ``t`` or ``r`` entry) of a schema-valid payload; {} if none."""
    kind = kind_of(payload)
    return payload[GROUPS[kind]][0] if kind else {}


def name(family: str, given: str) -> dict[str, str]:
    data = {
        "fn": family.strip(),
        "fnt": transliterate(family),
        "gn": given.strip(),
        "gnt": transliterate(given),
    }
    return {k: v for k, v in data.items() if v}


def vaccination_entry(
    *, product: str, manufacturer: str, prophylaxis: str, dose: int, doses: int, date: datetime.date
) -> dict[str, Any]:
    """``v`` without ``co``/``is``/``ci`` (the issuer adds those)."""
    return {
        "tg": COVID_19,
        "vp": prophylaxis,
        "mp": product,
        "ma": manufacturer,
        "dn": dose,
        "sd": doses,
        "dt": date.isoformat(),
    }


def test_entry(
    *,
    test_type: str,
    result: str,
    sampled_at: datetime.datetime,
    centre: str,
    name: str = "",
    device: str = "",
) -> dict[str, Any]:
    """``t`` without ``co``/``is``/``ci``. ``name`` (NAAT) or ``device`` (rapid antigen test)."""
    entry: dict[str, Any] = {
        "tg": COVID_19,
        "tt": test_type,
        "sc": sampled_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tr": result,
        "tc": centre,
    }
    if name:
        entry["nm"] = name
    if device:
        entry["ma"] = device
    return entry


def unknown_codes(kind: str, entry: dict[str, Any]) -> list[str]:
    """Codes of ``entry`` that are not in their value set."""
    checks = {
        "vaccination": {
            "tg": "disease-agent-targeted",
            "vp": "vaccine-prophylaxis",
            "mp": "vaccine-medicinal-product",
            "ma": "vaccine-mah-manf",
        },
        "test": {"tg": "disease-agent-targeted", "tt": "test-type", "tr": "test-result"},
    }[kind]
    return [f"{key}={entry.get(key)!r}" for key, vs in checks.items() if entry.get(key) not in value_set(vs)]


def build(*, family: str, given: str, date_of_birth: str, kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    key = GROUPS[kind]
    return {"ver": SCHEMA_VERSION, "nam": name(family, given), "dob": date_of_birth, key: [entry]}
