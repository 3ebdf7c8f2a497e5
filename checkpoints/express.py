"""Express check-in: a returning visitor's self check-in as one PostgreSQL statement.

The busiest write of the portal is a visitor scanning a poster at a market gate at 7 a.m. The
general path (``intake`` → ``core.services.person_resolve_for_visitor`` → ``services.checkin_create``)
costs 10+ SQL round trips through the ORM; at the peak that is most of the server's time
(docs/benchmarks.md, "check-in under load"). When every person of a submission is already
known, this module writes exactly the same rows (declarations, check-ins, the inferred
check-out of a visit still open elsewhere, the check-in's audit row) with one data-modifying statement,
which is atomic on its own.

It is only a faster way to run the same rules, never different rules:

* Person matching is ``core.services.person_find_match`` in SQL (same ID number; else same
  phone, same name key and same birth date or year; first by name key then id).
* Anyone unknown (a first-time visitor, who may need a new person and a suspected-duplicate
  check) makes the statement write nothing and return ``None``: the caller takes the general
  path. So does a checkpoint that is no longer approved.
* A person with a visit still open at the same checkpoint (a repeat check-in, which stores
  nothing, or a later one, which closes that visit) makes it write nothing too: the general
  path applies ``services.checkins.repeat_visits`` and ``close_earlier_here``.
* A replayed ``submission`` violates the unique (submission, position) constraint, so nothing
  is written; the caller returns the stored rows.

``tests/checkpoints/test_express.py`` runs both paths on the same inputs and compares every
column of every row they write. SQLite (the embedded default) always takes the general path.
"""

import datetime
import json
import re
import uuid
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg2.errors import InvalidSqlStatementName

from checkpoints.models import CheckIn
from core.crypto import encrypt, lookup_hash, previous_lookup_keys
from core.services import PersonData, name_key
from declarations.data import DeclarationData

# Person columns of the input; the declaration copies them as declared.
_INPUT = """
    position int, full_name text, date_of_birth date, birth_year int, sex text, nationality text,
    id_number text, phone text, address_unit_id bigint, address_line text,
    id_hash text, phone_hash text, name_key text,
    places_visited text, symptoms jsonb, exposures jsonb, risk text
"""

_MATCH = """
    LEFT JOIN LATERAL (
        SELECT p.id FROM core_person p
        WHERE i.id_hash <> '' AND p.id_number_hash = i.id_hash AND p.merged_into_id IS NULL
        ORDER BY p.name_key, p.id LIMIT 1
    ) by_id ON true
    LEFT JOIN LATERAL (
        SELECT p.id FROM core_person p
        WHERE by_id.id IS NULL AND i.phone_hash <> '' AND p.phone_hash = i.phone_hash
          AND p.name_key = i.name_key AND p.merged_into_id IS NULL
          AND CASE
                WHEN i.date_of_birth IS NOT NULL THEN p.date_of_birth = i.date_of_birth
                     OR (p.date_of_birth IS NULL AND p.birth_year = i.birth_year)
                WHEN i.birth_year IS NOT NULL THEN p.birth_year = i.birth_year
                ELSE false
              END
        ORDER BY p.name_key, p.id LIMIT 1
    ) by_phone ON true
"""

STATEMENT = f"""
WITH point AS (
    -- services.estimated_checkout: the closing time today if it comes before the default
    -- duration ends, else the default duration.
    SELECT id,
           CASE WHEN closing > %(now)s AND closing < %(default_out)s THEN closing
                ELSE %(default_out)s END AS out,
           CASE WHEN closing > %(now)s AND closing < %(default_out)s THEN 'closing'
                ELSE 'default' END AS out_method
    FROM (
        SELECT id, (%(local_day)s::date + make_time(extract(hour FROM closes_at)::int,
                                                    extract(minute FROM closes_at)::int, 0))
                   AT TIME ZONE %(time_zone)s AS closing
        FROM checkpoints_checkpoint WHERE qr_token = %(token)s AND status = 'approved'
    ) approved
), resolved AS (
    SELECT i.*, COALESCE(by_id.id, by_phone.id) AS person_id,
           nextval({{declaration_seq}}) AS declaration_id,
           nextval({{checkin_seq}}) AS checkin_id
    FROM jsonb_to_recordset(%(entries)s::jsonb) AS i({_INPUT})
    {_MATCH}
), go AS (
    SELECT bool_and(person_id IS NOT NULL) AND EXISTS (SELECT 1 FROM point)
           -- A visit of the same person still open at this checkpoint: a repeat check-in or
           -- one closing it (services.checkins.repeat_visits, close_earlier_here): the general path.
           AND NOT EXISTS (
               SELECT 1 FROM checkpoints_checkin c
               WHERE c.checkpoint_id = (SELECT id FROM point)
                 AND c.person_id IN (SELECT person_id FROM resolved)
                 AND c.checked_in_at >= %(since)s AND c.checked_out_at > %(now)s)
           AS ok FROM resolved
), declarations AS (
    INSERT INTO declarations_declaration (
        id, kind, source, person_id, full_name, date_of_birth, birth_year, sex, nationality,
        id_number, phone, address_unit_id, address_line, places_visited, symptoms,
        symptom_list_version, exposures, exposure_list_version, notice_version, risk,
        transport, created_at)
    SELECT declaration_id, 'checkin', 'self', person_id, full_name, date_of_birth, birth_year,
           sex, nationality, id_number, phone, address_unit_id, address_line, places_visited,
           symptoms, %(symptom_version)s, exposures, %(exposure_version)s, %(notice)s, risk,
           '', %(now)s
    FROM resolved WHERE (SELECT ok FROM go)
    RETURNING id
), checkins AS (
    INSERT INTO checkpoints_checkin (
        id, checkpoint_id, person_id, declaration_id, submission, position, method,
        checked_in_at, checked_out_at, checkout_method, risk, created_at)
    SELECT checkin_id, point.id, person_id, declaration_id, %(submission)s, position, 'self',
           %(now)s, point.out, point.out_method, risk, %(now)s
    FROM resolved, point WHERE (SELECT ok FROM go)
    RETURNING id
), closed AS (
    -- Inferred check-out: a visit still open elsewhere ended when this one began.
    UPDATE checkpoints_checkin c SET checked_out_at = %(now)s, checkout_method = 'next'
    WHERE (SELECT ok FROM go)
      AND c.person_id IN (SELECT person_id FROM resolved)
      AND c.checked_in_at >= %(since)s AND c.checked_in_at < %(now)s
      AND c.checked_out_at > %(now)s AND c.checkout_method IN ('default', 'closing')
      AND c.checkpoint_id <> (SELECT id FROM point)
    RETURNING c.id
), audited AS (
    INSERT INTO core_auditlog (at, action, target_type, target_id, target_ids, reason, details)
    SELECT %(now)s, 'checkin.create', 'checkpoints.checkin',
           (SELECT checkin_id FROM resolved WHERE position = 0)::text,
           CASE WHEN count(*) > 1 THEN jsonb_agg(checkin_id::text ORDER BY position) ELSE '[]' END,
           '',
           jsonb_build_object(
               'checkpoint_id', (SELECT id FROM point),
               'method', 'self',
               'person_ids', jsonb_agg(person_id ORDER BY position),
               'declaration_ids', jsonb_agg(declaration_id ORDER BY position),
               'flagged_ids', COALESCE(
                   jsonb_agg(checkin_id ORDER BY position) FILTER (WHERE risk <> 'none'), '[]'))
    FROM resolved WHERE (SELECT ok FROM go)
    HAVING count(*) > 0  -- an aggregate over no rows still gives one row
    RETURNING id
)
-- PostgreSQL runs every data-modifying CTE, whether or not the query reads it.
SELECT position, person_id, declaration_id, checkin_id, (SELECT ok FROM go),
       point.id, point.out, point.out_method
FROM resolved LEFT JOIN point ON true ORDER BY position
"""  # noqa: S608 (built from constants: every value is a bound parameter)


def _parameterized(sql: str) -> tuple[str, list[str]]:
    """``%(name)s`` placeholders as PREPARE's ``$n``, and the names in order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, sql).replace("%%", "%"), names


_NAME = "express_checkin"
_BODY, _NAMES = _parameterized(STATEMENT)
_EXECUTE = f"EXECUTE {_NAME} ({', '.join(f'%({n})s' for n in _NAMES)})"


def _prepare(cursor: Any) -> None:
    """Prepares the statement on this database connection: parsing and planning it cost more
    than running it (1.5 ms of 2.8 ms, docs/benchmarks.md). The id sequences are resolved
    here, once, instead of by name on every row."""
    cursor.execute(
        "SELECT pg_get_serial_sequence('declarations_declaration', 'id'),"
        " pg_get_serial_sequence('checkpoints_checkin', 'id'),"
        " EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)",
        [_NAME],
    )
    declaration_seq, checkin_seq, exists = cursor.fetchone()
    if exists:
        cursor.execute(f"DEALLOCATE {_NAME}")
    body = _BODY.replace("{declaration_seq}", _regclass(declaration_seq)).replace(
        "{checkin_seq}", _regclass(checkin_seq)
    )
    cursor.execute(f"PREPARE {_NAME} AS {body}")
    connection._express_prepared_on = connection.connection  # type: ignore[attr-defined]


def _regclass(name: str) -> str:
    return "'" + name.replace("'", "''") + "'::regclass"


def _execute(params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Runs the prepared statement: a statement is atomic on its own, and inside a caller's
    transaction a savepoint keeps a replay's IntegrityError from breaking it. A connection
    whose prepared statements were dropped (``DISCARD ALL`` by a pooler) prepares again."""
    with connection.cursor() as cursor:
        for attempt in (1, 2):
            if getattr(connection, "_express_prepared_on", None) is not connection.connection:
                _prepare(cursor)
            try:
                with transaction.atomic() if connection.in_atomic_block else nullcontext():
                    cursor.execute(_EXECUTE, params)
                    return cursor.fetchall()
            except DatabaseError as exc:
                if attempt == 2 or not isinstance(exc.__cause__, InvalidSqlStatementName):
                    raise
                connection._express_prepared_on = None  # type: ignore[attr-defined]
    raise AssertionError("unreachable")


def available() -> bool:
    # While a look-up key rotation is in progress, matching must consult both key versions:
    # the general path does (core.crypto.lookup_hashes); this statement matches one hash only.
    return connection.vendor == "postgresql" and settings.CHECKIN_EXPRESS and not previous_lookup_keys()


def _entry(position: int, person: PersonData, data: DeclarationData) -> dict[str, object]:
    return {
        "position": position,
        "full_name": person.declared_name,  # the declaration's copy, as declared
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "birth_year": person.birth_year,
        "sex": person.sex,
        "nationality": person.nationality,
        "id_number": encrypt(person.id_number) if person.id_number else "",
        "phone": encrypt(person.phone) if person.phone else "",
        "address_unit_id": person.address_unit.pk if person.address_unit else None,
        "address_line": person.address_line,
        "id_hash": lookup_hash("id_number", person.id_number) if person.id_number else "",
        "phone_hash": lookup_hash("phone", person.phone) if person.phone else "",
        "name_key": name_key(person.full_name),
        "places_visited": data.places_visited,
        "symptoms": data.symptoms,
        "exposures": data.exposures,
        "risk": data.risk,
    }


def submit(
    *,
    token: str,
    declarations: Sequence[DeclarationData],
    submission: uuid.UUID,
    now: datetime.datetime,
) -> list[CheckIn] | None:
    """Writes the submission's rows at the approved checkpoint whose QR code is ``token`` and
    returns its check-ins, or ``None`` when the general path must run (someone unknown, or no
    approved checkpoint with that code). Raises ``IntegrityError`` when ``submission`` is
    already stored."""
    first = declarations[0]
    params = {
        "token": token,
        "entries": json.dumps([_entry(i, d.person, d) for i, d in enumerate(declarations)]),
        "symptom_version": first.symptom_list_version,
        "exposure_version": first.exposure_list_version,
        "notice": first.notice_version,
        "submission": submission,
        "now": now,
        "default_out": now + datetime.timedelta(minutes=settings.CHECKIN_DEFAULT_MINUTES),
        "local_day": timezone.localdate(now),
        "time_zone": settings.TIME_ZONE,
        "since": now - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
    }
    rows = _execute(params)
    if not rows or not rows[0][4]:
        return None
    return [
        CheckIn(
            id=checkin_id,
            checkpoint_id=checkpoint_id,
            person_id=person_id,
            declaration_id=declaration_id,
            submission=submission,
            position=position,
            method=CheckIn.Method.SELF,
            checked_in_at=now,
            checked_out_at=out,
            checkout_method=out_method,
            risk=declarations[position].risk,
            created_at=now,
        )
        for position, person_id, declaration_id, checkin_id, _ok, checkpoint_id, out, out_method in rows
    ]
