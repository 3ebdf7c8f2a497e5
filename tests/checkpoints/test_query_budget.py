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
