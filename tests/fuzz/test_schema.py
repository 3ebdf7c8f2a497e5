"""schemathesis against the served OpenAPI schema (issue 14, point 8), anonymous and as a
scoped official (an epidemiologist of one province, who may trace): every operation gets
``EXAMPLES`` generated requests through the WSGI application. Zero 5xx, every status code
documented, every body matching its documented schema. The counts are in docs/security.md."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.clients import VerifiedClient
from tests.fuzz import knobs

pytestmark = pytest.mark.django_db

EXAMPLES = knobs.examples(8)  # per operation and identity (tests/fuzz/knobs.py)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CSRF = "schemathesis0schemathesis0schema"  # a 32-character CSRF secret, sent as cookie and header


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    """The WSGI application inside the test's transaction: as Django's test client does, the
    per-request "close old connections" is off (it would close the test's connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def served_schema(db: None, checkpoint: Any) -> Any:
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


FUZZ = knobs.fuzz(8)


def run_all(schema: Any, call: Any) -> dict[str, Any]:
    """Every operation, ``EXAMPLES`` cases each; returns the cases sent and the failures (the
    first of each operation, so one run lists them all)."""
    sent = 0
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            nonlocal sent
            sent += 1
            case.validate_response(call(case), checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collected, reported below
            failures[operation.label] = str(exc)[:1500]
    return {"sent": sent, "failures": failures}


def test_api_anonymous(served_schema: Any, app: WSGIHandler) -> None:
    outcome = run_all(served_schema, lambda case: case.call(app=app))
    print("schemathesis anonymous:", outcome["sent"], "cases")
    assert not outcome["failures"], "\n\n".join(f"{k}: {v}" for k, v in outcome["failures"].items())


def test_api_as_scoped_official(served_schema: Any, app: WSGIHandler, epidemiologist: Any) -> None:
    client = VerifiedClient()  # password and second factor: the API answers a verified session
    client.force_login(epidemiologist)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    outcome = run_all(
        served_schema, lambda case: case.call(app=app, cookies=cookies, headers={"X-CSRFToken": CSRF})
    )
    print("schemathesis as a scoped official:", outcome["sent"], "cases")
    assert not outcome["failures"], "\n\n".join(f"{k}: {v}" for k, v in outcome["failures"].items())
