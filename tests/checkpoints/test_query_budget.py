"""The visitor's real path at the cost of its work (issue 16): a returning visitor's check-in
through the web form runs the same SQL as through the API (PostgreSQL: the express statement
alone), counted per request, not timed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from checkpoints.models import CheckIn
from tests.checkpoints.conftest import make_checkpoint
from tests.checkpoints.test_api import payload
from tests.checkpoints.test_views import form_data, url

pytestmark = pytest.mark.django_db


def _queries(run):
    with CaptureQueriesContext(connection) as ctx:
        response = run()
    assert response.status_code in (201, 302), response.content[:300]
    return [q["sql"] for q in ctx.captured_queries]


def test_returning_visitor_form_post_runs_what_the_api_runs(client, checkpoint, agency):
    """The visitor is known (an earlier visit elsewhere); each check-in is a new visit at
    another checkpoint, which also closes the previous one."""
    api = APIClient()
    person = {"full_name": "Nguyễn Văn An", "birth_year": 1985, "sex": "male", "phone": "0912345678"}
    first, by_api = make_checkpoint(agency, name="Cổng A"), make_checkpoint(agency, name="Cổng B")
    client.post(url(first), form_data())  # known from now on
    body = payload(by_api, members=[], person={**person, "id_number": "038085000001"})
    api_sql = _queries(lambda: api.post("/api/v1/checkins/", body, format="json"))
    data = form_data()
    form_sql = _queries(lambda: client.post(url(checkpoint), data))
    assert CheckIn.objects.count() == 3
    assert len(form_sql) <= len(api_sql), (form_sql, api_sql)
    if connection.vendor == "postgresql":  # the express path: its one statement, nothing else
        work = [q for q in form_sql if "SAVEPOINT" not in q]
        assert len(work) == 1 and work[0].startswith("EXECUTE express_checkin"), work


def test_a_first_time_visitor_runs_no_look_up_for_visits_they_cannot_have(client, checkpoint):
    """A person created in the check-in's own transaction has no visit to repeat or close:
    no check-in look-up or update beyond the submission check (issue 16, first-time path)."""
    sql = _queries(lambda: client.post(url(checkpoint), form_data()))
    touching = [q for q in sql if "checkpoints_checkin" in q and not q.startswith("INSERT")]
    if connection.vendor == "postgresql":
        touching = [q for q in touching if not q.startswith("EXECUTE express_checkin")]
    assert len(touching) == 1 and touching[0].startswith("SELECT 1 AS"), touching  # the submission
    assert not [q for q in sql if q.startswith("UPDATE")], sql
    assert CheckIn.objects.get().checked_out_at is not None


def test_a_household_with_one_new_member_still_closes_the_known_ones_open_visit(agency):
    """The known declarant's open visit elsewhere is closed; the new member's look-ups are skipped."""
    api = APIClient()
    elsewhere, here = make_checkpoint(agency, name="Cổng A"), make_checkpoint(agency, name="Cổng B")
    person = {"full_name": "Nguyễn Văn An", "birth_year": 1985, "sex": "male", "phone": "0912345678"}
    assert (
        api.post(
            "/api/v1/checkins/", payload(elsewhere, members=[], person=person), format="json"
        ).status_code
        == 201
    )
    member = {"full_name": "Nguyễn Thị Bình", "birth_year": 2015, "sex": "female"}
    response = api.post("/api/v1/checkins/", payload(here, members=[member], person=person), format="json")
    assert response.status_code == 201, response.content[:300]
    first = CheckIn.objects.get(checkpoint=elsewhere)
    assert first.checkout_method == CheckIn.Checkout.NEXT_CHECKIN
    assert CheckIn.objects.filter(checkpoint=here).count() == 2
