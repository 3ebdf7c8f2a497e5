"""Hostile input (issue 14, points 6 and 7): bounded work per request and values the database
cannot hold answer a clear 400 and write nothing, on SQLite and PostgreSQL alike."""

import datetime
import json
import uuid

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from checkpoints.forms import CheckpointForm
from checkpoints.models import CheckIn
from core.models import Person
from core.parsers import json_depth
from declarations.models import Declaration
from tests.actors import VISITOR
from tests.checkpoints.test_api import payload
from tests.checkpoints.test_views import form_data, url

pytestmark = pytest.mark.django_db

HUGE = str(2**63)
NEXT_YEAR = timezone.localdate().year + 1


def rows() -> tuple[int, int, int]:
    return Person.objects.count(), Declaration.objects.count(), CheckIn.objects.count()


@pytest.fixture
def api():
    return APIClient()


def post_json(api, path, body):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return api.generic("POST", path, raw, content_type="application/json")


def members(n):
    return [{"full_name": f"Thành viên {i}", "birth_year": 2000} for i in range(n)]


# --- 6. Bounded work per request ------------------------------------------------------------


def test_household_members_are_capped_in_the_api(api, checkpoint):
    cap = settings.CHECKIN_MAX_MEMBERS
    assert cap == 20
    before = rows()
    refused = post_json(api, "/api/v1/checkins/", payload(checkpoint, members=members(cap + 1)))
    assert refused.status_code == 400, refused.content
    assert "tối đa 20 người đi cùng" in json.dumps(refused.json(), ensure_ascii=False)
    assert rows() == before
    accepted = post_json(api, "/api/v1/checkins/", payload(checkpoint, members=members(cap)))
    assert accepted.status_code == 201 and len(accepted.json()) == cap + 1


def test_household_cap_in_the_service_before_anyone_is_resolved(checkpoint):
    from checkpoints import intake
    from declarations.data import DeclarationData
    from tests.core.fixtures import person_data

    data = DeclarationData(person=person_data())
    crowd = [data.household_member(person_data(full_name=f"Người {i}")) for i in range(21)]
    before = rows()
    with pytest.raises(Exception, match="tối đa 20"):
        intake.submit(actor=VISITOR, checkpoint=checkpoint, declaration=data, members=crowd)
    assert rows() == before


def test_household_cap_in_the_form_is_said_not_silently_dropped(client, checkpoint):
    before = rows()
    data = form_data(member_slots="20", **{"m25-full_name": "Người thứ 26", "m25-birth_year": "2001"})
    response = client.post(url(checkpoint), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "tối đa 20 người đi cùng" in text and 'value="Nguyễn Văn An"' in text
    assert rows() == before
    more = client.post(url(checkpoint), form_data(member_slots="20", add_member="1"))
    assert "tối đa 20 người đi cùng" in more.content.decode()
    assert 'name="add_member"' not in more.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/checkins/", "/api/v1/declarations/"])
def test_json_nested_too_deep_is_a_400_before_parsing(api, checkpoint, path):
    for depth in (33, 100_000):
        body = "[" * depth + "]" * depth
        response = post_json(api, path, body)
        assert response.status_code == 400, (depth, response.status_code)
        assert "lồng nhau quá sâu" in response.json()["detail"]
    # Brackets inside strings do not nest; a real body is shallow.
    body = payload(checkpoint)
    body["person"]["address_line"] = "[[[[" * 20
    assert post_json(api, "/api/v1/checkins/", body).status_code == 201


def test_json_depth_counts_only_structure():
    assert json_depth(b"1") == 0
    assert json_depth(b'{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_depth(b'["\\"[[[", [[]]]') == 3
    assert json_depth(b"[" * 50) == 50


@override_settings(API_MAX_BODY_BYTES=4096)
def test_api_body_over_the_limit_is_refused(api, checkpoint):
    before = rows()
    body = payload(checkpoint, places_visited="x" * 5000)
    response = post_json(api, "/api/v1/checkins/", body)
    assert response.status_code == 413 and "quá lớn" in response.json()["detail"]
    assert rows() == before


def test_form_body_over_the_limit_is_a_400(client, checkpoint):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4096):
        response = client.post(url(checkpoint), form_data(address_line="x" * 5000))
    assert response.status_code == 400


# --- 7. Values the database cannot hold -------------------------------------------------------


@pytest.mark.parametrize(
    "person",
    [
        {"birth_year": 32768},
        {"birth_year": NEXT_YEAR},
        {"birth_year": 1899},
        {"date_of_birth": "2100-01-01"},
        {"date_of_birth": "1899-12-31"},
    ],
)
def test_implausible_birth_is_a_400_in_the_api(api, checkpoint, person):
    before = rows()
    body = payload(checkpoint)
    body["person"] = {"full_name": "Nguyễn Văn An", "sex": "male", "phone": "0912345678", **person}
    response = post_json(api, "/api/v1/checkins/", body)
    assert response.status_code == 400, response.content
    assert "person" in response.json()
    member = payload(checkpoint, members=[{"full_name": "Bé", **person, "birth_year": 40000}])
    assert post_json(api, "/api/v1/checkins/", member).status_code == 400
    assert rows() == before


def test_birth_year_overflow_on_the_express_path(api, checkpoint):
    """On PostgreSQL a returning visitor's fast path used to send 32,768 to a small-integer
    column (500) before the QR code was even checked; on SQLite it was a 404."""
    first = post_json(api, "/api/v1/checkins/", payload(checkpoint))
    assert first.status_code == 201
    body = payload(checkpoint, checkpoint_token="not-a-code")
    body["person"]["birth_year"] = 32768
    assert post_json(api, "/api/v1/checkins/", body).status_code == 400


@pytest.mark.parametrize(
    "field",
    [
        {"birth_date": "2100-01-01", "birth_year": ""},
        {"birth_date": "1850-05-05", "birth_year": ""},
        {"birth_year": "32768"},
        {"m0-full_name": "Bé", "m0-birth_year": "32768"},
    ],
)
def test_implausible_birth_is_refused_by_the_form(client, checkpoint, field):
    before = rows()
    response = client.post(url(checkpoint), form_data(**field))
    assert response.status_code == 200
    text = response.content.decode()
    assert "không được ở tương lai" in text or "từ năm 1900" in text, text
    assert rows() == before


def test_standalone_declaration_refuses_a_birth_date_in_2100(client, province):
    from tests.declarations.test_declarations import travel_body, travel_form

    before = rows()
    response = client.post(reverse("declarations:declare"), travel_form(province, birth_date="2100-01-01"))
    assert response.status_code == 200 and "không được ở tương lai" in response.content.decode()
    body = travel_body(province)
    body["person"]["date_of_birth"] = "2100-01-01"
    assert APIClient().post("/api/v1/declarations/", body, format="json").status_code == 400
    assert rows() == before


def test_ids_beyond_the_column_are_refused_not_a_500(api, client, checkpoint, province, epidemiologist):
    assert api.get(f"/api/v1/units/?parent={HUGE}").status_code == 400
    assert api.get("/api/v1/units/?parent=null").status_code == 400
    assert api.get(f"/api/v1/units/?parent={province.pk}").status_code == 200
    body = payload(checkpoint)
    body["person"]["address_unit"] = HUGE
    assert post_json(api, "/api/v1/checkins/", body).status_code == 400
    body["person"]["address_unit"] = 1e30
    assert post_json(api, "/api/v1/checkins/", body).status_code == 400
    # A form select and a path id.
    response = client.post(url(checkpoint), form_data(province=HUGE, district=HUGE, ward=HUGE))
    assert response.status_code in (200, 302)
    api.force_authenticate(epidemiologist)
    query = {"person": HUGE, "start": "2021-08-01T00:00", "end": "2021-08-02T00:00", "purpose": "Truy vết"}
    assert api.get("/api/v1/tracing/", query).status_code == 400
    assert api.post(f"/api/v1/checkpoints/{HUGE}/decision/", {"approve": True}).status_code == 404
    client.force_login(epidemiologist)
    assert client.get(f"/portal/checkpoints/{HUGE}/").status_code == 404


def test_model_choice_fields_refuse_huge_ids(make_user, agency):
    from core.roles import Role

    officer = make_user(Role.AGENCY_OFFICER, organizations=[agency])
    form = CheckpointForm(
        data={"name": "Cổng", "organization": HUGE, "kind": "hospital", "unit": HUGE}, user=officer
    )
    assert not form.is_valid()
    assert set(form.errors) >= {"organization", "unit"}


def test_impossible_query_dates_fall_back_instead_of_500(client, make_user):
    from core.roles import Role

    client.force_login(make_user(Role.TASKFORCE_LEADER))
    assert client.get("/taskforce/?on=2021-02-30").status_code == 200


def test_scan_form_refuses_a_birth_date_in_2100(client, checkpoint, operator):
    client.force_login(operator)
    before = rows()
    response = client.post(
        reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk}),
        {"payload": "", "direction": "out", "birth_date": "2100-01-01", "submission": str(uuid.uuid4())},
    )
    assert response.status_code in (200, 302)
    assert rows() == before


def test_paper_form_birth_date_bounds(client, checkpoint, operator):
    client.force_login(operator)
    before = rows()
    visited = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("checkpoints:paper", kwargs={"pk": checkpoint.pk}),
        {**form_data(birth_year=""), "birth_date": "01/01/2100", "visited_at": visited},
    )
    assert response.status_code == 200 and "không được ở tương lai" in response.content.decode()
    assert rows() == before


# Every public URL whose path carries a code or token the database looks up (``<str:…>``).
NUL_PATHS = [
    "/c/%00abc/",
    "/c/a%00b/quen/",
    "/tiem-chung/lich-hen/%00/",
    "/tiem-chung/lich-hen/AB%00/chung-nhan.pdf",
    "/taskforce/calendar/%00.ics",
    "/xet-nghiem/chung-nhan/%00/",
    "/xet-nghiem/chung-nhan/a%00/xac-minh/",
    "/api/v1/testing/labs/1/pools/P%00/result/",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_character_in_a_path_code_is_a_404_not_a_server_error(path):
    client = Client(raise_request_exception=False)
    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code in (403, 404, 405)  # never reaches the database
