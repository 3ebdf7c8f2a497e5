import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from checkpoints import intake, retention, selectors, services
from checkpoints.models import CheckIn, CheckinDailyStat, Checkpoint, RevokedQrCode
from core.models import AuditLog, OutboundMessage, Person
from core.roles import Role
from declarations.data import DeclarationData
from declarations.models import Declaration
from tests.actors import SYSTEM, VISITOR
from tests.checkpoints.conftest import at, make_checkpoint, visit
from tests.core.fixtures import first_ward, person_data

pytestmark = pytest.mark.django_db


# --- registration and approval ------------------------------------------------------------


def test_agency_registers_for_its_own_organization_only(make_user, agency, dong_son, sam_son, province):
    from core import services as core_services

    officer = make_user(Role.AGENCY_OFFICER, organizations=[agency])
    point = services.checkpoint_register(
        actor=officer, name="  Cổng   chính ", organization=agency, kind="hospital", unit=first_ward("405")
    )
    assert point.name == "Cổng chính" and point.status == Checkpoint.Status.PENDING
    assert len(point.qr_token) >= 20
    other = core_services.organization_create(actor=SYSTEM, name="Chợ Sầm Sơn", kind="business", unit=sam_son)
    with pytest.raises(PermissionDenied):
        services.checkpoint_register(actor=officer, name="X", organization=other, kind="market", unit=sam_son)
    lab = make_user(Role.LAB_STAFF, province_wide=True)
    with pytest.raises(PermissionDenied):
        services.checkpoint_register(actor=lab, name="X", organization=agency, kind="market", unit=dong_son)


def test_registration_validates_gps_and_hours(agency, dong_son):
    with pytest.raises(ValidationError):
        services.checkpoint_register(
            actor=SYSTEM, name="X", organization=agency, kind="market", unit=dong_son, latitude=19.8
        )
    with pytest.raises(ValidationError):
        services.checkpoint_register(
            actor=SYSTEM,
            name="X",
            organization=agency,
            kind="market",
            unit=dong_son,
            opens_at=datetime.time(18),
            closes_at=datetime.time(7),
        )


def test_district_official_approves_in_own_units_secretariat_anywhere(make_user, agency, dong_son, sam_son):
    point = make_checkpoint(agency, approve=False)
    outsider = make_user(Role.DISTRICT_OFFICIAL, units=[sam_son])
    with pytest.raises(Exception) as excinfo:
        services.checkpoint_decide(actor=outsider, checkpoint=point, approve=True)
    assert excinfo.type.__name__ == "Http404"
    assert Checkpoint.objects.get(pk=point.pk).status == Checkpoint.Status.PENDING
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    services.checkpoint_decide(actor=official, checkpoint=point, approve=True)
    assert Checkpoint.objects.get(pk=point.pk).status == Checkpoint.Status.APPROVED
    second = make_checkpoint(agency, name="Cổng phụ", approve=False)
    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    with pytest.raises(ValidationError):
        services.checkpoint_decide(actor=secretariat, checkpoint=second, approve=False)
    services.checkpoint_decide(actor=secretariat, checkpoint=second, approve=False, note="Trùng điểm")
    assert Checkpoint.objects.get(pk=second.pk).status == Checkpoint.Status.REJECTED


def test_operators_must_hold_the_operator_role(make_user, agency):
    point = make_checkpoint(agency)
    with pytest.raises(ValidationError):
        services.checkpoint_operators_set(
            actor=SYSTEM, checkpoint=point, operators=[make_user(Role.LAB_STAFF)]
        )


def test_qr_reissue_revokes_the_old_code(agency):
    point = make_checkpoint(agency)
    old = point.qr_token
    services.checkpoint_qr_reissue(actor=SYSTEM, checkpoint=point)
    assert point.qr_token != old
    assert RevokedQrCode.objects.filter(token=old, checkpoint=point).exists()
    with pytest.raises(selectors.RevokedCode):
        selectors.checkpoint_by_token(old)
    assert selectors.checkpoint_by_token(point.qr_token) == point
    with pytest.raises(Checkpoint.DoesNotExist):
        selectors.checkpoint_by_token("nope")


def test_pending_checkpoint_takes_no_checkin(agency):
    point = make_checkpoint(agency, approve=False)
    with pytest.raises(Checkpoint.DoesNotExist):
        selectors.checkpoint_by_token(point.qr_token)
    with pytest.raises(ValidationError):
        visit(point)


# --- check-in -----------------------------------------------------------------------------


def test_self_checkin_records_declaration_and_person(checkpoint):
    (row,) = visit(checkpoint)
    assert row.method == CheckIn.Method.SELF and row.position == 0
    assert row.checkout_method == CheckIn.Checkout.DEFAULT
    assert row.checked_out_at - row.checked_in_at == datetime.timedelta(minutes=60)
    declaration = row.declaration
    assert declaration.full_name == "Nguyễn Văn An"
    assert declaration.phone == "0912345678"  # encrypted at rest, decrypted on read
    assert declaration.symptom_list_version == 2 and declaration.notice_version == "2021-1"
    assert declaration.person == row.person
    assert row.risk == Declaration.Risk.NONE


def test_retry_with_the_same_submission_stores_one_checkin(checkpoint):
    data = DeclarationData(person=person_data())
    token = uuid.uuid4()
    first = intake.submit(actor=VISITOR, checkpoint=checkpoint, declaration=data, submission=token)
    again = intake.submit(actor=VISITOR, checkpoint=checkpoint, declaration=data, submission=token)
    assert [c.pk for c in first] == [c.pk for c in again]
    assert CheckIn.objects.count() == 1 and Declaration.objects.count() == 1
    # Even past the early look-up (a race), the unique constraint keeps one: the service
    # returns the stored rows and leaves no declaration, audit row or alert of its own.
    audits = AuditLog.objects.count()
    again = services.checkin_create(
        actor=VISITOR,
        checkpoint=checkpoint,
        entries=[(first[0].person, data)],
        method="self",
        submission=token,
    )
    assert CheckIn.objects.count() == 1 and again[0].pk == first[0].pk
    assert Declaration.objects.count() == 1 and AuditLog.objects.count() == audits
    stored, created = intake.submit_once(
        actor=VISITOR, checkpoint=checkpoint, declaration=data, submission=token
    )
    assert not created and [c.pk for c in stored] == [c.pk for c in first]
    assert AuditLog.objects.count() == audits


def test_household_members_get_their_own_person_and_checkin(checkpoint):
    rows = visit(
        checkpoint,
        members=[
            person_data(
                full_name="Nguyễn Thị Bé", id_number="", phone="", date_of_birth=datetime.date(2015, 1, 2)
            )
        ],
    )
    assert [r.position for r in rows] == [0, 1]
    assert rows[0].submission == rows[1].submission
    assert rows[1].person.full_name == "Nguyễn Thị Bé" and rows[1].person != rows[0].person
    assert rows[1].declaration.full_name == "Nguyễn Thị Bé"
    assert AuditLog.objects.filter(action="checkin.create").count() == 1


def test_visitor_input_never_overwrites_an_existing_person(checkpoint):
    visit(checkpoint)
    visit(checkpoint, full_name="Nguyen Van An", address_line="Địa chỉ khác")
    assert Person.objects.count() == 1
    assert Person.objects.get().address_line == ""


def test_next_checkin_elsewhere_closes_the_previous_visit(checkpoint, agency):
    market = make_checkpoint(agency, name="Chợ")
    first = visit(checkpoint, at=at(0.5))[0]
    second = visit(market)[0]
    first.refresh_from_db()
    assert first.checkout_method == CheckIn.Checkout.NEXT_CHECKIN
    assert first.checked_out_at == second.checked_in_at


def test_closing_time_bounds_the_estimated_checkout(agency):
    point = make_checkpoint(
        agency, name="Chợ chiều", opens_at=datetime.time(6), closes_at=datetime.time(17, 30)
    )
    local = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0)
    out, how = services.estimated_checkout(point, local)
    assert how == CheckIn.Checkout.CLOSING and timezone.localtime(out).time() == datetime.time(17, 30)
    out, how = services.estimated_checkout(point, local.replace(hour=9))
    assert how == CheckIn.Checkout.DEFAULT


def test_visitor_checks_out_by_submission(checkpoint):
    rows = visit(checkpoint, members=[person_data(full_name="Bé Hai", id_number="", phone="")])
    closed = services.checkin_checkout(actor=VISITOR, checkpoint=checkpoint, submission=rows[0].submission)
    assert len(closed) == 2
    assert {c.checkout_method for c in CheckIn.objects.all()} == {CheckIn.Checkout.SCANNED}
    # A second tap closes nothing more.
    assert (
        services.checkin_checkout(actor=VISITOR, checkpoint=checkpoint, submission=rows[0].submission) == []
    )


def test_staff_and_paper_need_an_operator_of_this_checkpoint(checkpoint, operator, make_user, agency):
    rows = visit(checkpoint, method=CheckIn.Method.STAFF, actor=operator)
    assert rows[0].entered_by == operator and rows[0].declaration.source == Declaration.Source.STAFF
    paper = visit(
        checkpoint,
        method=CheckIn.Method.PAPER,
        actor=operator,
        at=at(26),
        full_name="Lê Văn Giấy",
        id_number="",
        phone="0900000000",
    )
    assert paper[0].declaration.source == Declaration.Source.PAPER
    assert paper[0].checked_in_at < timezone.now() - datetime.timedelta(hours=25)
    stranger = make_user(Role.CHECKPOINT_OPERATOR)
    with pytest.raises(PermissionDenied):
        visit(checkpoint, method=CheckIn.Method.STAFF, actor=stranger)
    with pytest.raises(PermissionDenied):
        visit(checkpoint, method=CheckIn.Method.PAPER, actor=VISITOR, at=at(1))
    with pytest.raises(ValidationError):
        visit(checkpoint, method=CheckIn.Method.PAPER, actor=operator, at=at(24 * 30))
    with pytest.raises(ValidationError):
        visit(checkpoint, method=CheckIn.Method.PAPER, actor=operator, at=at(-2))


def test_operator_scans_visitor_out(checkpoint, operator):
    row = visit(checkpoint, at=at(0.2))[0]
    closed = services.checkin_checkout(actor=operator, checkpoint=checkpoint, person=row.person)
    assert [c.pk for c in closed] == [row.pk]
    assert CheckIn.objects.get().checkout_method == CheckIn.Checkout.SCANNED


def test_flagged_checkin_alerts_operators_and_district_official(
    checkpoint, make_user, dong_son, django_capture_on_commit_callbacks
):
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    official.email = "huyen@example.invalid"
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = visit(checkpoint, symptoms=["fever"], exposures=["case_contact"])
    assert rows[0].risk == Declaration.Risk.EXPOSURE
    row = CheckIn.objects.get()
    assert row.alerted_at is not None
    recipients = sorted(m.recipient for m in OutboundMessage.objects.filter(purpose="checkin.flagged"))
    assert recipients == ["huyen@example.invalid", "operator@example.invalid"]
    assert len(mail.outbox) == 2
    # A retried alert sends nothing more.
    from checkpoints.tasks import alert_flagged

    assert alert_flagged(row.pk) == 0


def test_unflagged_checkin_alerts_nobody(checkpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit(checkpoint)
    assert callbacks == []
    assert not OutboundMessage.objects.exists()


# --- retention, statistics, silent checkpoints --------------------------------------------


def test_purge_deletes_old_rows_in_batches_and_keeps_daily_counts(checkpoint, operator):
    old = timezone.now() - datetime.timedelta(days=23)
    rows = [
        visit(checkpoint, id_number=f"03809000{i:04d}", full_name=f"Người {i}", phone=f"09000{i:05d}")[0]
        for i in range(5)
    ]
    CheckIn.objects.filter(pk__in=[r.pk for r in rows[:3]]).update(
        checked_in_at=old, checked_out_at=old + datetime.timedelta(hours=1)
    )
    CheckIn.objects.filter(pk=rows[0].pk).update(method=CheckIn.Method.PAPER, risk="symptoms")
    deleted = services.checkins_purge_expired(actor=SYSTEM, batch_size=2)
    assert deleted == 3
    assert CheckIn.objects.count() == 2
    stat = CheckinDailyStat.objects.get()
    assert (stat.total, stat.paper, stat.self_scanned, stat.flagged) == (3, 1, 2, 1)
    assert stat.day == timezone.localdate(old)
    # A second run deletes nothing and does not overwrite the counts.
    assert services.checkins_purge_expired(actor=SYSTEM) == 0
    assert CheckinDailyStat.objects.get().total == 3
    stats = selectors.checkin_stats(
        user=None, date_from=timezone.localdate(old), date_to=timezone.localdate()
    )
    assert sum(r["total"] for r in stats) == 5
    assert AuditLog.objects.filter(action="checkin.purge").count() == 2


def test_purge_walks_batches_forward_without_skipping(checkpoint):
    """Batches continue from the last one's final instant: rows sharing it across a batch
    boundary, rows a microsecond before the cutoff and at it are all handled as before."""
    template = visit(checkpoint)[0]
    cutoff = retention.retention_cutoff()
    tick = datetime.timedelta(microseconds=1)
    instants = [cutoff - datetime.timedelta(hours=h) for h in (30, 30, 30, 29, 29, 5, 5, 5, 5, 1)]
    instants += [cutoff - tick, cutoff, cutoff + tick]
    CheckIn.objects.bulk_create(
        CheckIn(
            checkpoint=checkpoint,
            person_id=template.person_id,
            submission=uuid.uuid4(),
            method=CheckIn.Method.SELF,
            checked_in_at=t,
            checked_out_at=t + datetime.timedelta(minutes=30),
        )
        for t in instants
    )
    assert services.checkins_purge_expired(actor=SYSTEM, batch_size=2) == 11
    assert not CheckIn.objects.filter(checked_in_at__lt=cutoff).exists()
    assert CheckIn.objects.filter(checked_in_at__gte=cutoff).count() == 3  # two at/after + today's


def test_declaration_purge(checkpoint):
    row = visit(checkpoint)[0]
    Declaration.objects.filter(pk=row.declaration_id).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    from declarations import services as declaration_services

    assert declaration_services.declarations_purge_expired(actor=SYSTEM, batch_size=1) == 1
    # The check-in has its own retention (issue 12: the foreign key no longer cascades).
    assert not Declaration.objects.exists()
    assert CheckIn.objects.get(pk=row.pk).declaration_id is None


@override_settings(SILENT_CHECKPOINT_DAYS=3)
def test_silent_checkpoints_are_reported_once_per_period(agency, checkpoint):
    quiet = make_checkpoint(agency, name="Cổng phụ")
    Checkpoint.objects.filter(pk__in=[quiet.pk, checkpoint.pk]).update(
        decided_at=timezone.now() - datetime.timedelta(days=10)
    )
    visit(checkpoint, at=at(24))
    from checkpoints.tasks import notify_silent

    assert [c.pk for c in selectors.silent_checkpoints()] == [quiet.pk]
    assert notify_silent() == 1
    message = OutboundMessage.objects.get(purpose="checkpoint.silent")
    assert message.recipient == "ttyt@example.invalid" and "Cổng phụ" in message.body
    assert notify_silent() == 0  # already reminded in this period
    figures = selectors.adoption_figures()
    assert figures["approved"] == 2 and figures["silent"] == 1 and figures["active"] == 1
