"""The express check-in (one PostgreSQL statement, ``checkpoints/express.py``) against the
general path (``intake`` → ``person_resolve_for_visitor`` → ``checkin_create``): the same
submission, on the same data, must write the same rows, column by column, and schedule the
same alert. Each case runs the general path, rolls back, then runs the express one."""

import datetime
import uuid
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from checkpoints import express, intake, selectors, services
from checkpoints.models import CheckIn, Checkpoint
from core import services as core_services
from core.models import AuditLog, DuplicateCandidate, Person
from declarations.data import DeclarationData
from declarations.models import Declaration
from tests.actors import SYSTEM
from tests.checkpoints.conftest import make_checkpoint
from tests.core.fixtures import person_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the express path exists only on PostgreSQL"
    ),
]

# Yesterday 10:00 in Asia/Ho_Chi_Minh: a fixed instant, so both paths see the same "now".
NOW = timezone.make_aware(
    datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=1), datetime.time(10, 0))
)

DECLARATION_FIELDS = [
    f.attname for f in Declaration._meta.concrete_fields if f.attname not in ("id", "person_id")
]
CHECKIN_FIELDS = [
    f.attname
    for f in CheckIn._meta.concrete_fields
    if f.attname not in ("id", "declaration_id", "submission", "person_id")
]


def declare(full_name="Nguyễn Văn An", *, symptoms=(), exposures=(), **person) -> DeclarationData:
    return DeclarationData(
        person=person_data(full_name=full_name, **person),
        symptoms=list(symptoms),
        exposures=list(exposures),
        places_visited="Chợ Vườn Hoa",
    )


def effects(run) -> dict[str, Any]:
    """Runs ``run(submission)`` at NOW and describes every row it wrote or changed, with ids
    replaced by what they stand for (position in the submission, or the person's name)."""
    submission = uuid.uuid4()
    last_audit = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    people_before = Person.objects.count()
    duplicates_before = DuplicateCandidate.objects.count()
    open_before = {c.pk: (c.checked_out_at, c.checkout_method) for c in CheckIn.objects.all()}
    with (
        mock.patch("django.utils.timezone.now", return_value=NOW),
        mock.patch("checkpoints.notify.enqueue_on_commit") as alert,
    ):
        result = run(submission)
    rows = sorted(CheckIn.objects.filter(submission=submission), key=lambda c: c.position)
    names = {p.pk: p.full_name for p in Person.objects.all()}
    checkin_label = {str(c.pk): f"checkin {c.position}" for c in rows}
    declaration_label = {str(c.declaration_id): f"declaration {c.position}" for c in rows}

    def relabel(value: Any, labels: dict[str, str]) -> Any:
        if isinstance(value, list):
            return [relabel(v, labels) for v in value]
        return labels.get(str(value), value)

    def target(a: AuditLog) -> tuple[str, Any]:
        if a.target_type == "core.person":
            return a.target_type, names.get(int(a.target_id))
        return a.target_type, relabel(a.target_id, checkin_label)

    audit = [
        {
            "action": a.action,
            "actor": a.actor_id,
            "target": target(a),
            "target_ids": relabel(a.target_ids, checkin_label),
            "reason": a.reason,
            "details": {
                **a.details,
                **{
                    k: relabel(a.details[k], labels)
                    for k, labels in (
                        ("declaration_ids", declaration_label),
                        ("flagged_ids", checkin_label),
                        ("person_ids", {str(pk): name for pk, name in names.items()}),
                    )
                    if k in a.details
                },
            },
        }
        for a in AuditLog.objects.filter(id__gt=last_audit).order_by("id")
    ]
    audit.sort(key=lambda a: (a["action"], str(a["target"])))
    return {
        "result": [(c.position, c.checkpoint_id, names[c.person_id], c.risk) for c in result[0]],
        "stored": result[1],
        "checkins": [
            {**{f: getattr(c, f) for f in CHECKIN_FIELDS}, "person": names[c.person_id]} for c in rows
        ],
        "declarations": [
            {**{f: getattr(d, f) for f in DECLARATION_FIELDS}, "person": names[d.person_id]}
            for d in Declaration.objects.filter(pk__in=[c.declaration_id for c in rows]).order_by("id")
        ],
        "changed_elsewhere": sorted(
            (c.pk, before, (c.checked_out_at, c.checkout_method))
            for c in CheckIn.objects.filter(pk__in=open_before)
            if (before := open_before[c.pk]) != (c.checked_out_at, c.checkout_method)
        ),
        "audit": audit,
        "people_added": Person.objects.count() - people_before,
        "duplicates_added": DuplicateCandidate.objects.count() - duplicates_before,
        "alerts": alert.call_count,
        "alerted_first_checkin": bool(alert.call_count) and alert.call_args.args[1] == rows[0].pk,
    }


def both(token: str, declaration: DeclarationData, members=(), *, replay: bool = False):
    """The effects of the general path and of the express path, on the same data."""
    calls = []
    real = express.submit

    def spy(**kwargs):
        calls.append(real(**kwargs))
        return calls[-1]

    def run(submission):
        if replay:
            intake.visitor_submit(
                token=token, declaration=declaration, members=members, submission=submission
            )
        return intake.visitor_submit(
            token=token, declaration=declaration, members=list(members), submission=submission
        )

    out = []
    for express_on in (False, True):
        sid = transaction.savepoint()
        with override_settings(CHECKIN_EXPRESS=express_on), mock.patch.object(express, "submit", spy):
            out.append(effects(run))
        transaction.savepoint_rollback(sid)
    return out[0], out[1], calls


@pytest.fixture
def known(checkpoint):
    """People who checked in before (two days ago): found again by the next submission."""
    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(days=2)):
        for data in (
            declare(),
            declare("Lê Thị Bình", id_number="", phone="0987654321", date_of_birth=datetime.date(1990, 1, 2)),
            declare("Trần Văn Cường", id_number="", phone="0977000111", date_of_birth=None, birth_year=1950),
            declare(
                "Nguyễn Thị Dung", id_number="038190000777", phone="", date_of_birth=datetime.date(2015, 5, 5)
            ),
        ):
            intake.visitor_submit(token=checkpoint.qr_token, declaration=data, submission=uuid.uuid4())
    return checkpoint


def assert_same(general, fast, calls, *, express_wrote=True):
    assert general == fast
    assert calls, "the express path was not tried"
    assert (calls[0] is not None) is express_wrote


def test_a_returning_visitor_found_by_id_number(known):
    general, fast, calls = both(known.qr_token, declare(phone="0912 345 678"))
    assert_same(general, fast, calls)
    assert fast["people_added"] == 0
    assert fast["audit"][0]["details"]["person_ids"] == ["Nguyễn Văn An"]
    assert [a["action"] for a in fast["audit"]] == ["checkin.create"]


def test_found_by_phone_name_and_birth_date_whatever_the_spelling(known):
    data = declare(
        "LE THI  BINH", id_number="", phone="+84987654321", date_of_birth=datetime.date(1990, 1, 2)
    )
    general, fast, calls = both(known.qr_token, data)
    assert_same(general, fast, calls)
    assert fast["checkins"][0]["person"] == "Lê Thị Bình"
    assert fast["declarations"][0]["full_name"] == "LE THI BINH"  # kept as declared


def test_found_by_phone_name_and_birth_year(known):
    data = declare("Trần Văn Cường", id_number="", phone="0977000111", date_of_birth=None, birth_year=1950)
    assert_same(*both(known.qr_token, data))


def test_a_different_birth_date_is_not_the_same_person(known):
    data = declare("Lê Thị Bình", id_number="", phone="0987654321", date_of_birth=datetime.date(1991, 1, 2))
    general, fast, calls = both(known.qr_token, data)
    assert_same(general, fast, calls, express_wrote=False)
    assert fast["people_added"] == 1
    assert fast["duplicates_added"] == 1  # same phone and name: queued for an official


def test_a_household_of_known_people_each_with_their_own_answers_alerts_once(known):
    declaration = declare(symptoms=["fever", "cough"])
    members = [
        declaration.household_member(
            person_data(
                full_name="Nguyễn Thị Dung",
                id_number="038190000777",
                phone="",
                date_of_birth=datetime.date(2015, 5, 5),
            ),
            exposures=["case_contact"],
        ),
        declaration.household_member(
            person_data(
                full_name="Lê Thị Bình",
                id_number="",
                phone="0987654321",
                date_of_birth=datetime.date(1990, 1, 2),
            )
        ),
    ]
    general, fast, calls = both(known.qr_token, declaration, members)
    assert_same(general, fast, calls)
    assert [c["risk"] for c in fast["checkins"]] == ["symptoms", "exposure", "none"]
    assert [d["symptoms"] for d in fast["declarations"]] == [["fever", "cough"], [], []]
    assert fast["alerts"] == 1 and fast["alerted_first_checkin"]
    flagged = next(a for a in fast["audit"] if a["action"] == "checkin.create")["details"]["flagged_ids"]
    assert flagged == ["checkin 0", "checkin 1"]
    assert len(fast["audit"]) == 1  # finding people writes nothing: the check-in's row names them


def test_exposure_is_the_higher_risk(known):
    general, fast, calls = both(known.qr_token, declare(symptoms=["fever"], exposures=["case_contact"]))
    assert_same(general, fast, calls)
    assert fast["checkins"][0]["risk"] == "exposure"


def test_a_household_member_without_papers_takes_the_general_path(known):
    declaration = declare()
    child = person_data(full_name="Bé Na", id_number="", phone="", date_of_birth=datetime.date(2020, 1, 1))
    assert_same(
        *both(known.qr_token, declaration, [declaration.household_member(child)]), express_wrote=False
    )


def test_closing_time_before_the_default_duration(known):
    Checkpoint.objects.filter(pk=known.pk).update(closes_at=datetime.time(10, 30, 45))
    general, fast, calls = both(known.qr_token, declare())
    assert_same(general, fast, calls)
    checkin = fast["checkins"][0]
    assert checkin["checkout_method"] == "closing"
    assert timezone.localtime(checkin["checked_out_at"]).time() == datetime.time(10, 30)
    Checkpoint.objects.filter(pk=known.pk).update(closes_at=datetime.time(9, 0))  # closed already
    general, fast, calls = both(known.qr_token, declare())
    assert_same(general, fast, calls)
    assert fast["checkins"][0]["checkout_method"] == "default"


def test_an_open_visit_elsewhere_is_closed_by_this_one(known, agency):
    other = make_checkpoint(agency, name="Chợ Vườn Hoa")
    earlier = []
    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(minutes=30)):
        # (An open visit at the same checkpoint is closed too, on the general path: tested below.)
        for token in (other.qr_token,):
            earlier += intake.visitor_submit(token=token, declaration=declare(), submission=uuid.uuid4())[0]
    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(hours=13)):
        earlier += intake.visitor_submit(
            token=other.qr_token, declaration=declare(), submission=uuid.uuid4()
        )[0]
    general, fast, calls = both(known.qr_token, declare())
    assert_same(general, fast, calls)
    assert [(pk, after[1]) for pk, _before, after in fast["changed_elsewhere"]] == [(earlier[0].pk, "next")]


def test_a_replay_writes_nothing_more(known):
    general, fast, calls = both(known.qr_token, declare(), replay=True)
    assert_same(general, fast, calls)
    assert fast["stored"] is False
    assert len(fast["checkins"]) == 1
    assert [a["action"] for a in fast["audit"]] == ["checkin.create"]


def test_a_merged_person_is_not_matched(known):
    keep = Person.objects.get(full_name="Lê Thị Bình")
    duplicate = core_services.person_create(
        actor=SYSTEM,
        data=person_data(
            full_name="Lê Thị Bình",
            id_number="038190000999",
            phone="",
            date_of_birth=datetime.date(1990, 1, 2),
        ),
    )
    core_services.person_merge(actor=SYSTEM, keep=keep, duplicate=duplicate, reason="cùng một người")
    data = declare(
        "Lê Thị Bình", id_number="038190000999", phone="0987654321", date_of_birth=datetime.date(1990, 1, 2)
    )
    general, fast, calls = both(known.qr_token, data)
    assert_same(general, fast, calls)
    assert fast["checkins"][0]["person"] == "Lê Thị Bình"


def test_codes_that_open_nothing_raise_as_before(known, agency):
    pending = make_checkpoint(agency, name="Chưa duyệt", approve=False)
    old_token = known.qr_token
    services.checkpoint_qr_reissue(actor=SYSTEM, checkpoint=known)
    for token, error in ((old_token, selectors.RevokedCode), (pending.qr_token, Checkpoint.DoesNotExist)):
        for express_on in (False, True):
            with override_settings(CHECKIN_EXPRESS=express_on), pytest.raises(error):
                intake.visitor_submit(token=token, declaration=declare(), submission=uuid.uuid4())
    assert not CheckIn.objects.filter(checkpoint=pending).exists()


def test_a_dropped_prepared_statement_is_prepared_again(known):
    intake.visitor_submit(token=known.qr_token, declaration=declare(), submission=uuid.uuid4())
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a connection pooler's DISCARD ALL does
    # Someone else (the same person again would be a repeat check-in: nothing stored).
    binh = declare("Lê Thị Bình", id_number="", phone="0987654321", date_of_birth=datetime.date(1990, 1, 2))
    rows, stored = intake.visitor_submit(token=known.qr_token, declaration=binh, submission=uuid.uuid4())
    assert stored and rows[0].pk == CheckIn.objects.latest("id").pk


def _earlier_here(known, minutes: float) -> CheckIn:
    at = NOW - datetime.timedelta(minutes=minutes)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return intake.visitor_submit(token=known.qr_token, declaration=declare(), submission=uuid.uuid4())[0][
            0
        ]


@pytest.mark.parametrize("minutes", [0.05, 1, 29])
def test_a_repeat_here_within_the_window_is_the_same_visit(known, minutes):
    """Issue 13 point 1: a second scan of the same person at the same checkpoint stores nothing
    and answers with the visit already stored, on both paths."""
    first = _earlier_here(known, minutes)
    general, fast, calls = both(known.qr_token, declare())
    assert_same(general, fast, calls, express_wrote=False)  # the statement leaves it to the ORM path
    assert fast["checkins"] == [] and fast["declarations"] == [] and fast["audit"] == []
    assert fast["stored"] is False and fast["changed_elsewhere"] == []
    assert (
        CheckIn.objects.filter(
            person_id=first.person_id, checkpoint=known, checked_in_at__gt=NOW - datetime.timedelta(hours=1)
        ).count()
        == 1
    )


def test_a_later_check_in_here_closes_the_earlier_visit(known):
    first = _earlier_here(known, 40)
    general, fast, calls = both(known.qr_token, declare())
    assert_same(general, fast, calls, express_wrote=False)
    assert fast["stored"] is True and len(fast["checkins"]) == 1
    assert [(pk, after) for pk, _before, after in fast["changed_elsewhere"]] == [(first.pk, (NOW, "next"))]


def test_a_scanned_out_visit_here_does_not_block_the_express_path(known):
    first = _earlier_here(known, 10)
    CheckIn.objects.filter(pk=first.pk).update(
        checked_out_at=NOW - datetime.timedelta(minutes=5), checkout_method="scanned"
    )
    general, fast, calls = both(known.qr_token, declare())
    assert_same(general, fast, calls)
    assert fast["stored"] is True and len(fast["checkins"]) == 1
