"""The same-work ceiling of the check-in benchmark (``bench/ceiling.py``, issue 16) does the
real endpoint's work: for the same returning visitor it writes the same rows, column by
column (``test_express.py``'s comparison), and answers the same fields. Each endpoint runs on
the same data at the same instant, then is rolled back."""

import datetime
import uuid
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from checkpoints import intake
from checkpoints.models import CheckIn
from tests.checkpoints.conftest import make_checkpoint
from tests.checkpoints.test_express import NOW, declare, effects

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the express statement is PostgreSQL only"),
]

BODY: dict[str, Any] = {
    "person": {
        "full_name": "  nguyễn   văn AN ",
        "birth_year": 1985,
        "sex": "male",
        "id_number": "038 085 000001",
        "phone": "0912 345 678",
    },
    "places_visited": "Chợ  Vườn Hoa",
    "symptoms": [],
    "exposures": [],
}


def _run(path: str, body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    answered: dict[str, Any] = {}

    def run(submission):
        response = Client(HTTP_X_FORWARDED_FOR="10.0.0.1").post(
            path, {**body, "submission": str(submission)}, content_type="application/json"
        )
        answered["status"], answered["json"] = response.status_code, response.json()
        answered["submission"] = str(submission)
        rows = list(CheckIn.objects.filter(submission=submission).order_by("position"))
        return rows, response.status_code == 201

    sid = transaction.savepoint()
    with override_settings(ROOT_URLCONF="bench.urls"):
        found = effects(run)
    transaction.savepoint_rollback(sid)
    # Ids and submissions differ between the two runs (sequences are not rolled back).
    sent = answered["submission"]
    fields = [
        {**{k: v for k, v in row.items() if k != "id"}, "submission": row["submission"] == sent}
        for row in answered["json"]
    ]
    return found, fields, answered["status"]


@pytest.fixture
def known(checkpoint, agency):
    """The visitor checked in 20 minutes earlier at another checkpoint: the next check-in also
    closes that visit (the statement's inferred check-out is compared too)."""
    elsewhere = make_checkpoint(agency, name="Cổng B")
    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(minutes=20)):
        intake.visitor_submit(token=elsewhere.qr_token, declaration=declare(), submission=uuid.uuid4())
    return checkpoint


def test_same_rows_and_fields_as_the_api_for_a_returning_visitor(known):
    body = {**BODY, "checkpoint_token": known.qr_token}
    api, api_fields, api_status = _run("/api/v1/checkins/", body)
    ceiling, ceiling_fields, ceiling_status = _run("/bench/same-work", body)
    assert api_status == ceiling_status == 201
    assert api["checkins"] and api["changed_elsewhere"], api  # the whole statement is exercised
    assert api["people_added"] == 0
    assert api == ceiling
    assert api_fields == ceiling_fields
    assert all(f["submission"] is True for f in api_fields)  # the submission sent
    assert sorted(api_fields[0]) == [
        "checked_in_at",
        "checked_out_at",
        "checkout_method",
        "checkpoint",
        "method",
        "position",
        "risk",
        "submission",
    ]


def test_the_ceiling_runs_the_express_statement_and_nothing_else(known):
    body = {**BODY, "checkpoint_token": known.qr_token, "submission": str(uuid.uuid4())}
    with override_settings(ROOT_URLCONF="bench.urls"), CaptureQueriesContext(connection) as ctx:
        response = Client().post("/bench/same-work", body, content_type="application/json")
    assert response.status_code == 201, response.content
    work = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(work) == 1 and work[0].startswith("EXECUTE express_checkin"), work
