"""The ceiling of the check-in benchmark: a bare view behind the same middleware, on the same
server and database, that parses the same JSON body and does one raw INSERT.

Reachable only through ``bench.urls`` (``bench.settings``). The table is created by the
benchmark (``ensure_table``), not by a migration: it is not part of the portal.
"""

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

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
