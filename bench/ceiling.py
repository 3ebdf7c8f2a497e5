"""The two ceilings of the check-in benchmark, bare views behind the same middleware, on the
same server and database (reachable only through ``bench.urls``, i.e. ``bench.settings``):

- ``ceiling`` (``POST /bench/ceiling``), the one-INSERT ceiling: parses the same JSON body and
  does one raw INSERT into a bench table;
- ``same_work`` (``POST /bench/same-work``), the same-work ceiling (issue 16): exactly the work
  a returning visitor's check-in requires, with none of the project's layers (no DRF, no
  serializers, no data classes, no model instances): the same JSON parsed, the same one-call
  rate limiter (``core.ratelimit.allow_checkin``), the same text cleaning (``core.text``), the
  same Fernet encryption and keyed hashes (``core.crypto``), the same express statement
  (``checkpoints.express``: its prepared statement, executed directly) and the same response
  fields as ``POST /api/v1/checkins/``. It handles only what the benchmark sends (a known
  visitor, no household members); anything else is answered 422 and counted as an error.
  ``tests/bench/test_same_work.py`` proves it writes the same rows and answers the same fields
  as the real endpoint for the same visitor.

The one-INSERT table is created by the benchmark (``ensure_table``), not by a migration: it is
not part of the portal.
"""

import datetime
import json

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from checkpoints import express
from core import ratelimit
from core.crypto import encrypt, lookup_hash
from core.services import name_key
from core.text import clean_text, display_name
from declarations import codes

TABLE = "bench_ceiling"


def ensure_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, at timestamptz NOT NULL "
            "DEFAULT now(), submission uuid NOT NULL, body text NOT NULL)"
        )


@csrf_exempt  # like the DRF API views (anonymous, no session)
def ceiling(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (submission, body) VALUES (%s, %s) RETURNING id",
            [data["submission"], data["person"]["full_name"]],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


def _iso(value: datetime.datetime) -> str:
    """A time as DRF's ``DateTimeField`` writes it (local time zone, ``Z`` for UTC)."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@csrf_exempt
def same_work(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    data = json.loads(request.body)
    if not ratelimit.allow_checkin(request):
        return JsonResponse({"detail": "rate limited"}, status=429)
    person = data["person"]
    declared = clean_text(person["full_name"])
    full_name = display_name(declared)
    id_number = "".join(str(person.get("id_number", "")).split()).upper()
    phone = clean_text(person.get("phone", ""))
    symptoms, exposures = data.get("symptoms", []), data.get("exposures", [])
    risk = "exposure" if exposures else "symptoms" if symptoms else "none"
    entry = {
        "position": 0,
        "full_name": declared,
        "date_of_birth": person.get("date_of_birth"),
        "birth_year": person.get("birth_year"),
        "sex": person.get("sex", "unknown"),
        "nationality": "VN",
        "id_number": encrypt(id_number) if id_number else "",
        "phone": encrypt(phone) if phone else "",
        "address_unit_id": None,
        "address_line": clean_text(person.get("address_line", "")),
        "id_hash": lookup_hash("id_number", id_number) if id_number else "",
        "phone_hash": lookup_hash("phone", phone) if phone else "",
        "name_key": name_key(full_name),
        "places_visited": " ".join(data.get("places_visited", "").split()),
        "symptoms": symptoms,
        "exposures": exposures,
        "risk": risk,
    }
    now = timezone.now()
    submission = data["submission"]
    rows = express._execute(
        {
            "token": data["checkpoint_token"],
            "entries": json.dumps([entry]),
            "symptom_version": codes.CURRENT_SYMPTOM_VERSION,
            "exposure_version": codes.CURRENT_EXPOSURE_VERSION,
            "notice": codes.CURRENT_NOTICE,
            "submission": submission,
            "now": now,
            "default_out": now + datetime.timedelta(minutes=settings.CHECKIN_DEFAULT_MINUTES),
            "local_day": timezone.localdate(now),
            "time_zone": settings.TIME_ZONE,
            "since": now - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
        }
    )
    if not rows or not rows[0][4]:
        return JsonResponse({"detail": "not a returning visitor at an approved checkpoint"}, status=422)
    return JsonResponse(
        [
            {
                "id": checkin_id,
                "checkpoint": checkpoint_id,
                "submission": submission,
                "position": position,
                "method": "self",
                "checked_in_at": _iso(now),
                "checked_out_at": _iso(out),
                "checkout_method": out_method,
                "risk": risk,
            }
            for position, _person, _declaration, checkin_id, _ok, checkpoint_id, out, out_method in rows
        ],
        safe=False,
        status=201,
    )
