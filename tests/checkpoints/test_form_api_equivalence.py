"""The visitor's web form (``POST /c/<token>/``) and the check-in API (``POST /api/v1/checkins/``)
write the same rows for the same visitor, column by column, with the same audit rows and alerts
(issue 16: the form's lighter path must change nothing it stores). Each case runs the API,
rolls back, then runs the form, on a returning visitor (the express statement on PostgreSQL)
and on a first-time visitor (the general path), alone and with a household member."""

import datetime
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from checkpoints import intake
from checkpoints.models import CheckIn
from tests.checkpoints.test_express import NOW, declare, effects
from tests.checkpoints.test_views import url
from tests.core.fixtures import first_ward

pytestmark = pytest.mark.django_db

VISITOR = {
    "full_name": "Nguyễn Văn An",
    "birth_year": 1985,
    "sex": "male",
    "phone": "0912345678",
    "id_number": "038085000001",
    "address_line": "Thôn 1",
}


def _api(checkpoint, submission, *, symptoms, members):
    ward = first_ward("405")
    body = {
        "checkpoint_token": checkpoint.qr_token,
        "submission": str(submission),
        "person": {**VISITOR, "address_unit": ward.pk},
        "places_visited": "Chợ Vườn Hoa",
        "symptoms": symptoms,
        "exposures": [],
        "members": [{**m, "symptoms": [], "exposures": []} for m in members],
    }
    response = APIClient().post("/api/v1/checkins/", body, format="json")
    assert response.status_code in (200, 201), response.content[:300]
    return response.status_code == 201


def _form(checkpoint, submission, *, symptoms, members):
    ward = first_ward("405")
    assert ward.parent is not None
    data: dict[str, Any] = {
        **{k: str(v) for k, v in VISITOR.items()},
        "province": str(ward.parent.parent_id),
        "district": str(ward.parent_id),
        "ward": str(ward.pk),
        "places_visited": "Chợ Vườn Hoa",
        "symptoms": symptoms,
        "submission": str(submission),
        "member_slots": "3",
        **{f"m{i}-{k}": str(v) for i, m in enumerate(members) for k, v in m.items()},
        **{f"m{i}-full_name": "" for i in range(len(members), 3)},
    }
    response = Client().post(url(checkpoint), data)
    assert response.status_code == 302, response.content[:300]
    return "again=1" not in response["Location"]


def _same(checkpoint, **case):
    out = []
    for submit in (_api, _form):
        sid = transaction.savepoint()

        def run(submission, submit=submit):
            stored = submit(checkpoint, submission, **case)
            return list(CheckIn.objects.filter(submission=submission).order_by("position")), stored

        out.append(effects(run))
        transaction.savepoint_rollback(sid)
    api, form = out
    assert api == form
    return api


@pytest.fixture
def returning(checkpoint):
    """The visitor checked in two days ago: known from then on."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(days=2)):
        intake.visitor_submit(
            token=checkpoint.qr_token,
            declaration=declare(VISITOR["full_name"], id_number=VISITOR["id_number"], phone=VISITOR["phone"]),
            submission=uuid.uuid4(),
        )
    return checkpoint


def test_a_returning_visitor(returning):
    written = _same(returning, symptoms=[], members=[])
    assert written["people_added"] == 0 and len(written["checkins"]) == 1


def test_a_returning_visitor_with_symptoms_is_alerted_once(returning):
    written = _same(returning, symptoms=["fever", "cough"], members=[])
    assert written["alerts"] == 1 and written["declarations"][0]["risk"] == "symptoms"


def test_a_first_time_visitor(checkpoint):
    written = _same(checkpoint, symptoms=[], members=[])
    assert written["people_added"] == 1 and len(written["checkins"]) == 1


def test_a_returning_visitor_with_a_new_household_member(returning):
    member = {"full_name": "Nguyễn Thị Bé", "birth_year": 2016, "sex": "female"}
    written = _same(returning, symptoms=[], members=[member])
    assert written["people_added"] == 1 and len(written["checkins"]) == 2
    # The member lives with the declarant on both paths.
    declarant, child = written["declarations"]
    assert child["address_unit_id"] == declarant["address_unit_id"] is not None
    assert child["address_line"] == declarant["address_line"] == "Thôn 1"
