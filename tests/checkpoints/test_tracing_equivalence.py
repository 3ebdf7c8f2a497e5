"""The tracing query's shape changed for speed (one constant index range per case visit instead
of a join to the case's check-ins, see docs/benchmarks.md); these tests hold it to the earlier
single-join query, kept here as the reference: same (contact, case visit) pairs, same overlap."""

import datetime
import itertools
import uuid

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from checkpoints import selectors
from checkpoints.capabilities import CheckpointCap
from checkpoints.models import CheckIn
from core import selectors as core_selectors
from core.roles import Role, user_can
from tests.checkpoints.conftest import make_checkpoint, visit
from tests.core.fixtures import first_ward

pytestmark = pytest.mark.django_db


def reference_pairs(user, *, person_id, start, end, min_overlap):
    """The query before the change (commit 73a900e): the case's visits joined to the other
    check-ins of the same checkpoint. Returns {(contact id, case check-in id): overlap minutes}."""
    n = datetime.timedelta(minutes=min_overlap)
    longest = datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS)
    a_in = F("checkpoint__checkins__checked_in_at")
    a_out = F("checkpoint__checkins__checked_out_at")
    qs = CheckIn.objects.filter(
        checkpoint__checkins__person_id=person_id,
        checkpoint__checkins__checked_in_at__lt=end,
        checkpoint__checkins__checked_in_at__gte=start - longest,
        checkpoint__checkins__checked_out_at__gt=start,
        checkpoint__checkins__checked_out_at__gte=a_in + n,
        checked_in_at__lte=a_out - n,
        checked_in_at__gte=a_in - longest,
        checked_out_at__gte=a_in + n,
    ).filter(checked_out_at__gte=F("checked_in_at") + n)
    qs = qs.exclude(person_id=person_id)
    if not user_can(user, CheckpointCap.TRACE_CONTACTS):
        return {}
    units = core_selectors.unit_ids_in_scope(user)
    if units is not None:
        qs = qs.filter(checkpoint__unit_id__in=units)
    rows = qs.annotate(case_checkin_id=F("checkpoint__checkins__id"), case_in=a_in, case_out=a_out).values(
        "id", "checked_in_at", "checked_out_at", "case_checkin_id", "case_in", "case_out"
    )
    return {
        (r["id"], r["case_checkin_id"]): int(
            (min(r["checked_out_at"], r["case_out"]) - max(r["checked_in_at"], r["case_in"])).total_seconds()
            // 60
        )
        for r in rows
    }


def place(row, start, minutes):
    CheckIn.objects.filter(pk=row.pk).update(
        checked_in_at=start, checked_out_at=start + datetime.timedelta(minutes=minutes)
    )


@pytest.fixture
def scene(agency, sam_son):
    """A case with two visits to one checkpoint the same day (a contact can overlap both), a
    visit too short for the threshold, one visit outside a district official's scope; other
    visitors on a grid of arrivals and durations around them, and on the exact boundaries."""
    market = make_checkpoint(agency, name="Chợ Đông Sơn")
    shop = make_checkpoint(agency, name="Siêu thị Đông Sơn")
    far = make_checkpoint(agency, name="Chợ Sầm Sơn", unit=first_ward("382"))
    base = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=2)
    case = visit(market, id_number="038085000001", phone="0912000001")[0]
    place(case, base, 60)
    case_visits = [(market, base + datetime.timedelta(minutes=90), 30), (shop, base, 10), (far, base, 60)]
    for point, start, minutes in case_visits:
        row = visit(point, id_number="038085000001", phone="0912000001")[0]
        place(row, start, minutes)
    others = [
        visit(
            point,
            id_number=f"03809000{i:04d}",
            full_name=f"Người thứ {i}",
            phone=f"09120{i:05d}",
        )[0]
        for i, point in enumerate([market, shop, far] * 3)
    ]
    template = {r.pk: r for r in others}
    rows = []
    for other in template.values():
        for offset, minutes in itertools.product(range(-13 * 60, 4 * 60, 35), (5, 15, 40, 120, 700)):
            rows.append((other, base + datetime.timedelta(minutes=offset), minutes))
    longest = settings.CHECKIN_MAX_HOURS * 60
    for other in list(template.values())[:3]:
        # Exact boundaries for a 15-minute threshold against the 60-minute visit at ``base``.
        rows += [
            (other, base + datetime.timedelta(minutes=45), 55),  # arrives at a.out − 15
            (other, base - datetime.timedelta(minutes=30), 45),  # leaves at a.in + 15
            (other, base - datetime.timedelta(minutes=longest), longest + 20),  # a.in − 12 h
            (other, base - datetime.timedelta(minutes=longest + 1), longest + 21),  # just before
        ]
    CheckIn.objects.bulk_create(
        CheckIn(
            checkpoint_id=other.checkpoint_id,
            person_id=other.person_id,
            submission=uuid.uuid4(),
            method=CheckIn.Method.SELF,
            checked_in_at=start,
            checked_out_at=start + datetime.timedelta(minutes=minutes),
        )
        for other, start, minutes in rows
    )
    return {"case_person_id": case.person_id, "base": base, "far": far}


@pytest.mark.parametrize("min_overlap", [0, 5, 15, 30, 60])
def test_same_pairs_as_the_single_join_query(scene, epidemiologist, make_user, dong_son, min_overlap):
    district = make_user(Role.EPIDEMIOLOGIST, units=[dong_son])
    start = scene["base"] - datetime.timedelta(days=1)
    end = timezone.now()
    for user in (epidemiologist, district):
        expected = reference_pairs(
            user, person_id=scene["case_person_id"], start=start, end=end, min_overlap=min_overlap
        )
        result = selectors.trace_case(
            user, person_id=scene["case_person_id"], start=start, end=end, min_overlap=min_overlap
        )
        got = {(c["id"], c["case_checkin_id"]): c["overlap_minutes"] for c in result.contacts}
        assert len(got) == len(result.contacts)  # one row per pair
        assert got == expected
        assert len(expected) > 20  # the scene is not trivially empty
        arrivals = [(c["checked_in_at"], c["id"]) for c in result.contacts]
        assert arrivals == sorted(arrivals)
    # Some contact overlaps both of the case's market visits: it is listed once for each.
    contacts = [
        c["id"]
        for c in selectors.trace_case(
            epidemiologist, person_id=scene["case_person_id"], start=start, end=end, min_overlap=0
        ).contacts
    ]
    assert len(contacts) > len(set(contacts))


def test_limit_truncates_pairs(scene, epidemiologist):
    start = scene["base"] - datetime.timedelta(days=1)
    full = selectors.trace_case(
        epidemiologist, person_id=scene["case_person_id"], start=start, end=timezone.now(), min_overlap=15
    )
    cut = selectors.trace_case(
        epidemiologist,
        person_id=scene["case_person_id"],
        start=start,
        end=timezone.now(),
        min_overlap=15,
        limit=10,
    )
    assert not full.truncated and cut.truncated and len(cut.contacts) == 10
    assert [c["id"] for c in cut.contacts] == [c["id"] for c in full.contacts][:10]


def test_no_capability_no_contacts(scene, make_user):
    operator = make_user(Role.CHECKPOINT_OPERATOR)
    qs = selectors.trace_contacts_queryset(
        operator,
        person_id=scene["case_person_id"],
        start=scene["base"] - datetime.timedelta(days=1),
        end=timezone.now(),
        min_overlap=15,
    )
    assert list(qs) == []
