"""Issue 15 point 4: the case look-up of tracing is scoped like tracing, and the candidate list
is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from checkpoints import selectors
from core import services as core_services
from core.models import AuditLog, Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.checkpoints.conftest import at, make_checkpoint, visit
from tests.core.fixtures import first_ward, person_data

pytestmark = pytest.mark.django_db


def _period() -> dict[str, str]:
    return {
        "start": (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "purpose": "Ca F0 huyện Đông Sơn",
    }


@pytest.fixture
def district_tracer(make_user, dong_son):
    return make_user(Role.EPIDEMIOLOGIST, units=[dong_son])


@pytest.fixture
def far_away(agency, sam_son):
    """Someone who only visited a checkpoint in another district (Sầm Sơn) and lives nowhere known."""
    point = make_checkpoint(agency, name="Chợ Sầm Sơn", unit=first_ward("382"))
    return visit(point, at=at(5), id_number="038090000077", full_name="Hoàng Thị Xa", phone="0912000077")[0]


def test_case_look_up_is_scoped_to_the_tracer_district(checkpoint, district_tracer, far_away, dong_son):
    local = visit(checkpoint, at=at(5), id_number="038085000001", phone="0912000001")[0]
    resident = core_services.person_create(
        actor=SYSTEM,
        data=person_data(
            full_name="Đỗ Văn Nhà",
            id_number="038070000055",
            phone="0912000055",
            address_unit=first_ward("405"),
        ),
    )
    assert list(selectors.case_candidates(district_tracer, phone="0912000077")) == []
    assert list(selectors.case_candidates(district_tracer, id_number="038090000077")) == []
    assert list(selectors.case_candidates(district_tracer, phone="0912000001")) == [local.person]
    assert list(selectors.case_candidates(district_tracer, phone="0912000055")) == [resident]
    ids = [far_away.person_id, local.person_id]
    assert list(selectors.case_candidates_by_ids(district_tracer, ids=ids)) == [local.person]


def test_province_wide_tracer_still_finds_everyone(far_away, epidemiologist):
    assert list(selectors.case_candidates(epidemiologist, phone="0912000077")) == [far_away.person]


def test_out_of_scope_case_answers_not_found(client, checkpoint, district_tracer, far_away):
    client.force_login(district_tracer)
    posted = client.post(reverse("checkpoints:trace"), {"phone": "0912000077", **_period()})
    text = client.get(posted["Location"]).content.decode()
    assert "Hoàng Thị Xa" not in text
    assert "Không tìm thấy người có số giấy tờ hoặc số điện thoại này." in text


def test_candidate_list_is_audited_with_the_purpose(client, checkpoint, district_tracer, far_away):
    # Three people share a phone number; one of them is out of the tracer's district.
    first = visit(checkpoint, at=at(5), id_number="038085000001", phone="0912000077")[0]
    second = visit(
        checkpoint, at=at(4), id_number="038085000002", full_name="Lê Thị Hai", phone="0912000077"
    )[0]
    client.force_login(district_tracer)
    posted = client.post(reverse("checkpoints:trace"), {"phone": "0912000077", **_period()})
    text = client.get(posted["Location"]).content.decode()
    assert "Nguyễn Văn An" in text and "Lê Thị Hai" in text and "Hoàng Thị Xa" not in text
    log = AuditLog.objects.get(action="person.read", details__kind="tracing.candidates")
    assert log.actor == district_tracer and log.reason == "Ca F0 huyện Đông Sơn"
    shown = set(log.target_ids) if log.target_ids else {log.target_id}
    assert shown == {str(first.person_id), str(second.person_id)}
    assert Person.objects.filter(pk=far_away.person_id).exists()
