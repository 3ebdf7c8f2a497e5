import datetime

import pytest
from django.utils import timezone

from checkpoints import selectors
from checkpoints.models import CheckIn
from core.roles import Role
from tests.checkpoints.conftest import at, make_checkpoint, visit

pytestmark = pytest.mark.django_db


def test_co_present_visitors_with_overlap(checkpoint, agency, epidemiologist):
    other_point = make_checkpoint(agency, name="Chợ Đông Sơn")
    base = at(10)
    case = visit(checkpoint, at=base, id_number="038085000001", phone="0912000001")[0]  # 60 min default
    overlap_40 = visit(
        checkpoint,
        at=base + datetime.timedelta(minutes=20),
        id_number="038090000002",
        full_name="Lê Văn Bình",
        phone="0912000002",
    )[0]
    overlap_10 = visit(
        checkpoint,
        at=base + datetime.timedelta(minutes=50),
        id_number="038090000003",
        full_name="Trần Văn Cường",
        phone="0912000003",
    )[0]
    elsewhere = visit(
        other_point, at=base, id_number="038090000004", full_name="Phạm Văn Dũng", phone="0912000004"
    )[0]
    before = visit(
        checkpoint, at=at(12), id_number="038090000005", full_name="Đỗ Văn Em", phone="0912000005"
    )[0]
    result = selectors.trace_case(
        epidemiologist, person_id=case.person_id, start=at(24), end=timezone.now(), min_overlap=15
    )
    assert [v["id"] for v in result.visits] == [case.pk]
    found = {c["id"]: c for c in result.contacts}
    assert set(found) == {overlap_40.pk}
    assert found[overlap_40.pk]["overlap_minutes"] == 40
    assert found[overlap_40.pk]["case_checkin_id"] == case.pk
    assert found[overlap_40.pk]["checkout_method"] == CheckIn.Checkout.DEFAULT
    assert overlap_10.pk not in found and elsewhere.pk not in found and before.pk not in found
    # A lower threshold brings in the 10-minute overlap.
    low = selectors.trace_case(
        epidemiologist, person_id=case.person_id, start=at(24), end=timezone.now(), min_overlap=5
    )
    assert {c["id"] for c in low.contacts} == {overlap_40.pk, overlap_10.pk}


def test_infectious_period_limits_the_case_visits(checkpoint, epidemiologist):
    case = visit(checkpoint, at=at(30))[0]
    visit(checkpoint, at=at(30), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    result = selectors.trace_case(epidemiologist, person_id=case.person_id, start=at(20), end=timezone.now())
    assert result.visits == [] and result.contacts == []


def test_tracing_is_scoped_and_needs_the_capability(checkpoint, make_user, sam_son, epidemiologist):
    case = visit(checkpoint, at=at(5))[0]
    visit(checkpoint, at=at(5), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    elsewhere = make_user(Role.EPIDEMIOLOGIST, units=[sam_son])
    assert (
        selectors.trace_case(elsewhere, person_id=case.person_id, start=at(24), end=timezone.now()).contacts
        == []
    )
    operator = checkpoint.operators.get()
    assert (
        selectors.trace_case(operator, person_id=case.person_id, start=at(24), end=timezone.now()).visits
        == []
    )
    assert (
        len(
            selectors.trace_case(
                epidemiologist, person_id=case.person_id, start=at(24), end=timezone.now()
            ).contacts
        )
        == 1
    )


def test_trace_by_checkpoint_window(checkpoint, epidemiologist):
    inside = visit(checkpoint, at=at(3))[0]
    visit(checkpoint, at=at(30), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    result = selectors.trace_checkpoint(
        epidemiologist, checkpoint=checkpoint, start=at(4), end=timezone.now()
    )
    assert [c["id"] for c in result.contacts] == [inside.pk]


def test_identities_decrypt_only_those_asked(checkpoint):
    case = visit(checkpoint, at=at(3))[0]
    ids = selectors.identities_for([case.person_id])
    assert ids[case.person_id]["phone"] == "0912345678"
    assert ids[case.person_id]["id_number"] == "038085000001"


def test_contacts_query_is_a_single_query(checkpoint, epidemiologist, django_assert_num_queries):
    case = visit(checkpoint, at=at(3))[0]
    visit(checkpoint, at=at(3), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    qs = selectors.trace_contacts_queryset(
        epidemiologist, person_id=case.person_id, start=at(24), end=timezone.now(), min_overlap=15
    )
    sql = str(qs.query)
    assert sql.count("SELECT") == 1
    with django_assert_num_queries(1):
        assert len(list(qs.values("id"))) == 1
