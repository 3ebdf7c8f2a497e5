import datetime
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from checkpoints.models import CheckIn, Checkpoint
from core.models import AuditLog
from core.roles import Role
from declarations.models import Declaration
from tests.checkpoints.conftest import at, visit
from tests.core.fixtures import first_ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def payload(checkpoint, **overrides):
    data = {
        "checkpoint_token": checkpoint.qr_token,
        "submission": str(uuid.uuid4()),
        "person": {"full_name": "Nguyễn Văn An", "birth_year": 1985, "sex": "male", "phone": "0912345678"},
        "symptoms": [],
        "members": [{"full_name": "Nguyễn Bé", "birth_year": 2018}],
    }
    data.update(overrides)
    return data


def test_public_checkin_is_idempotent(api, checkpoint):
    body = payload(checkpoint)
    first = api.post("/api/v1/checkins/", body, format="json")
    assert first.status_code == 201 and len(first.json()) == 2
    again = api.post("/api/v1/checkins/", body, format="json")
    assert again.status_code == 200
    assert [r["id"] for r in again.json()] == [r["id"] for r in first.json()]
    assert CheckIn.objects.count() == 2
    out = api.post(
        "/api/v1/checkins/checkout/",
        {"checkpoint_token": checkpoint.qr_token, "submission": body["submission"]},
        format="json",
    )
    assert out.status_code == 200 and {r["checkout_method"] for r in out.json()} == {"scanned"}


def test_members_answer_for_themselves(api, checkpoint):
    body = payload(
        checkpoint,
        symptoms=["fever"],
        members=[
            {"full_name": "Nguyễn Bé", "birth_year": 2018, "exposures": ["case_contact"]},
            {"full_name": "Nguyễn Cu", "birth_year": 2020},
        ],
    )
    response = api.post("/api/v1/checkins/", body, format="json")
    assert response.status_code == 201
    assert [r["risk"] for r in response.json()] == ["symptoms", "exposure", "none"]
    bad = api.post(
        "/api/v1/checkins/",
        payload(checkpoint, members=[{"full_name": "Bé", "birth_year": 2018, "symptoms": ["hiccups"]}]),
        format="json",
    )
    assert bad.status_code == 400 and "members" in bad.json()


def test_public_checkin_validation_and_unknown_codes(api, checkpoint):
    bad = api.post("/api/v1/checkins/", payload(checkpoint, symptoms=["hiccups"]), format="json")
    assert bad.status_code == 400 and "symptoms" in bad.json()
    missing = api.post("/api/v1/checkins/", payload(checkpoint, person={"full_name": "A"}), format="json")
    assert missing.status_code == 400
    unknown = api.post("/api/v1/checkins/", payload(checkpoint, checkpoint_token="nope"), format="json")
    assert unknown.status_code == 404


def test_registration_and_decision(api, make_user, agency, dong_son):
    officer = make_user(Role.AGENCY_OFFICER, organizations=[agency])
    api.force_authenticate(officer)
    created = api.post(
        "/api/v1/checkpoints/",
        {"name": "Cổng API", "organization": agency.pk, "kind": "office", "unit": first_ward("405").pk},
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    pk = created.json()["id"]
    assert (
        api.post(f"/api/v1/checkpoints/{pk}/decision/", {"approve": True}, format="json").status_code == 403
    )
    api.force_authenticate(make_user(Role.DISTRICT_OFFICIAL, units=[dong_son]))
    decided = api.post(f"/api/v1/checkpoints/{pk}/decision/", {"approve": True}, format="json")
    assert decided.status_code == 200 and Checkpoint.objects.get(pk=pk).status == "approved"
    assert any(c["id"] == pk for c in api.get("/api/v1/checkpoints/").json()["results"])


def test_staff_checkin_from_payload_and_paper(api, checkpoint, operator):
    api.force_authenticate(operator)
    url = f"/api/v1/checkpoints/{checkpoint.pk}/staff-checkins/"
    scanned = api.post(
        url,
        {
            "method": "staff",
            "submission": str(uuid.uuid4()),
            "payload": "038085000001|NGUYEN VAN AN|1985-03-12|0|Q|",
        },
        format="json",
    )
    assert scanned.status_code == 201
    bad = api.post(
        url, {"method": "staff", "submission": str(uuid.uuid4()), "payload": "garbage"}, format="json"
    )
    assert bad.status_code == 400 and "payload" in bad.json()
    when = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    paper = api.post(
        url,
        {
            "method": "paper",
            "submission": str(uuid.uuid4()),
            "checked_in_at": when,
            "person": {"full_name": "Lê Thị Giấy", "birth_year": 1950, "sex": "female"},
        },
        format="json",
    )
    assert paper.status_code == 201 and paper.json()[0]["method"] == "paper"
    assert CheckIn.objects.filter(entered_by=operator).count() == 2


def test_tracing_api(api, checkpoint, epidemiologist, operator):
    base = at(3)
    case = visit(checkpoint, at=base)[0]
    visit(checkpoint, at=base, id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    params = {
        "person": case.person_id,
        "start": at(48).isoformat(),
        "end": timezone.now().isoformat(),
        "purpose": "F0",
    }
    api.force_authenticate(operator)
    assert api.get("/api/v1/tracing/", params).status_code == 403
    api.force_authenticate(epidemiologist)
    response = api.get("/api/v1/tracing/", params)
    assert response.status_code == 200
    contacts = response.json()["contacts"]
    assert [c["person"]["phone"] for c in contacts] == ["0912000002"]
    assert contacts[0]["checkout_method"] == "default" and contacts[0]["overlap_minutes"] == 60
    assert AuditLog.objects.filter(action="checkin.read", reason="F0", actor=epidemiologist).exists()


def test_staff_checkin_api_reads_cards_as_scanners_send_them(api, checkpoint, operator):
    api.force_authenticate(operator)
    url = f"/api/v1/checkpoints/{checkpoint.pk}/staff-checkins/"
    body = {"method": "staff", "submission": str(uuid.uuid4())}
    payload = "038085000001||Nguyễn Văn An|12031985|Nam|Thôn 1, Đông Sơn|15042021|\n"
    assert api.post(url, {**body, "payload": payload}, format="json").status_code == 201
    assert CheckIn.objects.get().person.address_line == "Thôn 1, Đông Sơn"
    refused = api.post(
        url, {**body, "submission": str(uuid.uuid4()), "payload": "\x00" + payload}, format="json"
    )
    assert refused.status_code == 400
    assert "Mã chứa ký tự không được phép" in refused.json()["payload"][0]


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC"])
def test_checkin_answer_is_what_the_output_serializer_gives(api, checkpoint, zone):
    """The check-in answers with ``checkin_body`` (issue 16: cheaper than the serializer); its
    body is ``CheckinOutput``'s, field for field, whatever the time zone, risk or check-out."""
    from django.test import override_settings

    from checkpoints.api import CheckinOutput, checkin_body

    with override_settings(TIME_ZONE=zone):
        body = payload(checkpoint, symptoms=["fever"])
        answered = api.post("/api/v1/checkins/", body, format="json").json()
        rows = list(CheckIn.objects.filter(submission=body["submission"]).order_by("position"))
        assert len(rows) == 2 and {r.risk for r in rows} == {"symptoms", "none"}
        assert answered == CheckinOutput(rows, many=True).data
        rows[0].checkout_method = CheckIn.Checkout.SCANNED
        rows[0].checked_out_at = timezone.now().replace(microsecond=0)
        for row in rows:
            assert checkin_body(row) == CheckinOutput(row).data
    if zone == "UTC":
        assert answered[0]["checked_in_at"].endswith("Z")


def test_a_household_member_lives_with_the_declarant_unless_told_otherwise(api, checkpoint):
    person = {
        "full_name": "Nguyễn Văn An",
        "birth_year": 1985,
        "phone": "0912345678",
        "address_line": "Thôn 1",
    }
    members = [
        {"full_name": "Nguyễn Bé", "birth_year": 2018},
        {"full_name": "Nguyễn Cụ", "birth_year": 1940, "address_line": "Thôn 9"},
    ]
    response = api.post(
        "/api/v1/checkins/", payload(checkpoint, person=person, members=members), format="json"
    )
    assert response.status_code == 201
    lines = dict(Declaration.objects.values_list("full_name", "address_line"))
    assert lines == {"Nguyễn Văn An": "Thôn 1", "Nguyễn Bé": "Thôn 1", "Nguyễn Cụ": "Thôn 9"}
