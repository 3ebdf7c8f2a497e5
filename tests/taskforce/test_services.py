"""Rules of the task force, through the services (as pages, API, admin and tasks use them)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from core.models import AuditLog, OutboundMessage
from core.roles import Role, user_has_role
from taskforce import selectors, services
from taskforce.models import Assignment, Attendance, Member, Proposal
from taskforce.tasks import mark_overdue_assignments
from tests.actors import SYSTEM
from tests.core.fixtures import sweeps_after

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def groups(user):
    return set(user.groups.values_list("name", flat=True))


def test_roles_follow_active_membership(tf, make_user):
    user = make_user(Role.AGENCY_OFFICER, province_wide=True)
    start = TODAY() + datetime.timedelta(days=3)
    seat = services.member_appoint(
        actor=SYSTEM,
        decision=tf.decision,
        active_from=start,
        full_name="Lê Xuân Lâm",
        organization=tf.sttt,
        position_title="Giám đốc",
        role="member",
        user=user,
    )
    assert groups(user) == {Role.AGENCY_OFFICER}  # the seat starts later
    changed = services.member_roles_sync(actor=SYSTEM, on=start)
    assert changed == {str(user.pk): sorted([Role.AGENCY_OFFICER, Role.TASKFORCE_MEMBER])}
    assert groups(user) == {Role.AGENCY_OFFICER, Role.TASKFORCE_MEMBER}
    services.member_end(actor=SYSTEM, member=seat, active_to=start)
    services.member_roles_sync(actor=SYSTEM, on=start + datetime.timedelta(days=1))
    assert groups(user) == {Role.AGENCY_OFFICER}  # other roles stay


def test_ending_a_seat_today_removes_the_role_and_shows_the_task_force_as_of_a_date(tf, member_user):
    yesterday = TODAY() - datetime.timedelta(days=1)
    services.member_end(actor=SYSTEM, member=tf.member, active_to=yesterday)
    assert not user_has_role(member_user, Role.TASKFORCE_MEMBER)
    assert Role.TASKFORCE_MEMBER not in groups(member_user)
    leader = tf.users[Role.TASKFORCE_LEADER]
    assert tf.member in selectors.members_visible_to(leader, yesterday)
    assert tf.member not in selectors.members_visible_to(leader, TODAY())
    by_role = dict(selectors.members_by_role(leader, datetime.date(2021, 8, 10)))
    assert [m.full_name for m in by_role["Tổ trưởng"]] == ["Nguyễn Văn Tước"]


def test_one_open_leader(tf):
    with pytest.raises(ValidationError):
        services.member_appoint(
            actor=SYSTEM,
            decision=tf.decision,
            active_from=TODAY(),
            full_name="X",
            organization=tf.sttt,
            position_title="Y",
            role="leader",
        )


def test_only_the_leader_or_a_delegated_deputy_assigns(tf, leader, deputy_user, member_user, make_user):
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    kwargs = {"title": "Việc", "assignee_member": tf.member, "due_on": TODAY()}
    for user in (deputy_user, member_user, chairman, secretariat):
        before = (Assignment.objects.count(), AuditLog.objects.count())
        with pytest.raises(PermissionDenied):
            services.assignment_create(actor=user, **kwargs)
        assert (Assignment.objects.count(), AuditLog.objects.count()) == before
    with pytest.raises(PermissionDenied):  # only the leader delegates
        services.member_delegate(actor=deputy_user, member=tf.deputy, may_assign=True)
    services.member_delegate(actor=leader, member=tf.deputy, may_assign=True)
    deputy_user.__dict__.pop("_taskforce_seats", None)
    made = services.assignment_create(actor=deputy_user, **kwargs)
    assert made.assigned_by == tf.deputy
    assert services.assignment_create(actor=leader, **kwargs).assigned_by == tf.leader


def test_a_conclusion_becomes_assignments_in_one_step(tf, leader):
    due = TODAY() + datetime.timedelta(days=5)
    before = AuditLog.objects.count()
    made = services.conclusion_assign(
        actor=leader,
        conclusion=tf.conclusion,
        assignee_members=[tf.member, tf.deputy],
        assignee_organizations=[tf.district_org],
        due_on=due,
        priority="high",
    )
    assert AuditLog.objects.count() - before == 1
    assert len(made) == 3
    assert {a.source for a in made} == {Assignment.Source.CONCLUSION}
    assert all(
        a.conclusion == tf.conclusion and a.due_on == due and a.title == "Đăng ký điểm kiểm dịch"
        for a in made
    )
    assert {a.assignee for a in made} == {tf.member, tf.deputy, tf.district_org}
    with pytest.raises(ValidationError):
        services.conclusion_assign(actor=leader, conclusion=tf.conclusion, due_on=due)


def test_members_update_their_own_assignments_only(tf, leader, member_user, deputy_user):
    own = services.assignment_create(
        actor=leader, title="Của Kiên", assignee_member=tf.member, due_on=TODAY()
    )
    services.assignment_progress(
        actor=member_user, assignment=own, text="Đang làm", status="in_progress", progress=30
    )
    own.refresh_from_db()
    assert (own.status, own.progress) == ("in_progress", 30)
    with pytest.raises(ValidationError):  # the assignee does not cancel
        services.assignment_progress(actor=member_user, assignment=own, text="Hủy", status="cancelled")
    with pytest.raises(PermissionDenied):  # nor update someone else's
        services.assignment_progress(actor=deputy_user, assignment=own, text="x", status="done")
    with pytest.raises(PermissionDenied):
        services.assignment_progress(actor=member_user, assignment=tf.assignment, text="x", status="done")
    services.assignment_progress(actor=member_user, assignment=own, text="Xong", status="done")
    own.refresh_from_db()
    assert (own.status, own.progress) == ("done", 100) and own.completed_at
    with pytest.raises(ValidationError):
        services.assignment_progress(actor=leader, assignment=own, text="lại", status="in_progress")


def test_agency_officers_work_on_their_organizations_assignments(tf, make_user):
    officer = make_user(Role.DISTRICT_OFFICIAL, units=[tf.district_org.unit])
    assert list(selectors.assignments_visible_to(officer)) == [tf.assignment]
    services.assignment_progress(
        actor=officer, assignment=tf.assignment, text="Đã rà soát", status="in_progress"
    )
    other = make_user(Role.AGENCY_OFFICER, organizations=[tf.syt])
    assert list(selectors.assignments_visible_to(other)) == []


def test_overdue_marking_reminds_assignee_and_leader_once_a_day(
    tf, leader, django_capture_on_commit_callbacks
):
    late = services.assignment_create(
        actor=leader, title="Trễ hạn", assignee_member=tf.member, due_on=TODAY()
    )
    done = services.assignment_create(actor=leader, title="Xong", assignee_member=tf.member, due_on=TODAY())
    # The due date passes (a new assignment cannot be given a past one).
    Assignment.objects.filter(pk__in=[late.pk, done.pk]).update(due_on=TODAY() - datetime.timedelta(days=1))
    late.refresh_from_db()
    done.refresh_from_db()
    services.assignment_progress(actor=leader, assignment=done, text="ok", status="done")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        marked = mark_overdue_assignments()
    assert marked == [late.pk]
    late.refresh_from_db()
    assert late.status == Assignment.Status.OVERDUE and late.last_reminded_on == TODAY()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([tf.member.email, tf.leader.email])
    assert any("Trễ hạn" in m.body for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mark_overdue_assignments()
    assert mail.outbox == []  # nobody is reminded twice a day
    # An update by the assignee keeps it overdue until done.
    services.assignment_progress(actor=tf.member.user, assignment=late, text="đang làm", status="in_progress")
    late.refresh_from_db()
    assert late.status == Assignment.Status.OVERDUE


def test_invitations_go_out_by_email_with_the_agenda_and_an_ics(tf, django_capture_on_commit_callbacks):
    services.meeting_agenda_add(actor=SYSTEM, meeting=tf.meeting, title="Điểm kiểm dịch; mã QR, quét")
    mail.outbox.clear()
    # Sent from a page in English: the invitations are the task force's, in Vietnamese.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sent = services.meeting_invitations_send(actor=SYSTEM, meeting=tf.meeting)
    assert sorted(sent) == sorted([tf.leader.pk, tf.deputy.pk, tf.member.pk])
    assert len(mail.outbox) == 3
    # The service's row, and the gateway's own row for each e-mail queued.
    rows = list(AuditLog.objects.filter(action__in=["meeting.invitations_send", "message.queue"]))
    assert sorted(r.action for r in rows) == ["meeting.invitations_send"] + ["message.queue"] * 3
    message = mail.outbox[0]
    assert message.subject.startswith("Giấy mời họp: ") and "Họp giao ban" in message.subject
    assert "kính mời dự họp" in message.body and "Điểm kiểm dịch; mã QR, quét" in message.body
    name, content, _mime = message.attachments[0]
    assert (
        name.startswith("moi-hop")
        and name.endswith(".ics")
        and "METHOD:REQUEST" in (content.decode() if isinstance(content, bytes) else content)
    )


def test_attendance_needs_a_delegate_name_and_keeps_what_was_recorded(tf):
    with pytest.raises(ValidationError):
        services.meeting_attendance_record(
            actor=SYSTEM, meeting=tf.meeting, entries=[services.AttendanceEntry(tf.member.pk, "delegate")]
        )
    services.meeting_attendance_record(
        actor=SYSTEM,
        meeting=tf.meeting,
        entries=[
            services.AttendanceEntry(tf.member.pk, "delegate", delegate_name="Trần B"),
            services.AttendanceEntry(tf.leader.pk, "present"),
            services.AttendanceEntry(tf.deputy.pk, "excused", note="công tác"),
        ],
    )
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=tf.meeting)}
    assert (rows[tf.member.pk].status, rows[tf.member.pk].delegate_name) == ("delegate", "Trần B")
    assert rows[tf.deputy.pk].note == "công tác"


def test_proposals_go_to_the_leader(tf, leader, deputy_user, member_user):
    proposal = tf.proposal
    assert proposal.submitted_by == tf.member and proposal.status == Proposal.Status.OPEN
    with pytest.raises(PermissionDenied):
        services.proposal_decide(actor=deputy_user, proposal=proposal, status="accepted", response="ok")
    with pytest.raises(ValidationError):  # an accepted proposal is needed for an assignment
        services.assignment_create(
            actor=leader, title="x", assignee_member=tf.member, due_on=TODAY(), proposal=proposal
        )
    services.proposal_decide(actor=leader, proposal=proposal, status="accepted", response="Đồng ý")
    made = services.assignment_create(
        actor=leader, title="Mở tổng đài", assignee_organization=tf.sttt, due_on=TODAY(), proposal=proposal
    )
    assert made.source == Assignment.Source.PROPOSAL and list(proposal.assignments.all()) == [made]
    assert proposal.decided_by == tf.leader


def test_the_chairman_reads_everything_and_writes_nothing(tf, make_user):
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    assert selectors.assignments_visible_to(chairman).count() == 1
    assert selectors.proposals_visible_to(chairman).count() == 1
    assert selectors.members_visible_to(chairman).count() == 3
    before = AuditLog.objects.count()
    attempts = [
        lambda: services.decision_record(actor=chairman, title="x"),
        lambda: services.member_update(actor=chairman, member=tf.member, phone="1"),
        lambda: services.meeting_schedule(
            actor=chairman,
            title="x",
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(hours=1),
        ),
        lambda: services.meeting_minutes_record(actor=chairman, meeting=tf.meeting, minutes="x"),
        lambda: services.assignment_create(
            actor=chairman, title="x", assignee_member=tf.member, due_on=TODAY()
        ),
        lambda: services.assignment_progress(
            actor=chairman, assignment=tf.assignment, text="x", status="done"
        ),
        lambda: services.proposal_submit(actor=chairman, title="x", body="y"),
        lambda: services.proposal_decide(
            actor=chairman, proposal=tf.proposal, status="accepted", response="x"
        ),
        lambda: services.platform_save(actor=chairman, code="z", name="z", scope="national", purpose="other"),
        lambda: services.usage_report_submit(
            actor=chairman,
            organization=tf.syt,
            period_start=TODAY(),
            staff_count=1,
            staff_with_app=1,
            checkpoints_registered=0,
            scans_in_period=0,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert AuditLog.objects.count() == before


def test_agencies_report_for_their_own_organization_and_the_secretariat_sees_who_has_not(tf, make_user):
    officer = make_user(Role.AGENCY_OFFICER, organizations=[tf.syt])
    week = TODAY() - datetime.timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.usage_report_submit(
            actor=officer,
            organization=tf.sttt,
            period_start=week,
            staff_count=1,
            staff_with_app=1,
            checkpoints_registered=0,
            scans_in_period=0,
        )
    with pytest.raises(ValidationError):
        services.usage_report_submit(
            actor=officer,
            organization=tf.syt,
            period_start=week,
            staff_count=10,
            staff_with_app=11,
            checkpoints_registered=0,
            scans_in_period=0,
        )
    for installs in (6, 8):  # sending again replaces the week's report
        report = services.usage_report_submit(
            actor=officer,
            organization=tf.syt,
            period_start=week,
            staff_count=10,
            staff_with_app=installs,
            checkpoints_registered=2,
            scans_in_period=140,
        )
    assert (
        report.period_start.weekday() == 0
        and report.period_end - report.period_start == datetime.timedelta(6)
    )
    summary = selectors.adoption_summary(week)
    assert summary["expected"] == 3  # Sở TT&TT, Sở Y tế, UBND huyện Đông Sơn
    assert summary["reported"] == 1
    assert {m["name"] for m in summary["missing"]} == {"Sở Thông tin và Truyền thông", "UBND huyện Đông Sơn"}
    assert summary["totals"] == {
        "staff_count": 10,
        "staff_with_app": 8,
        "checkpoints_registered": 2,
        "scans_in_period": 140,
        "install_rate": 80.0,
    }
    row = next(r for r in summary["rows"] if r["organization_id"] == tf.syt.pk)
    assert row["reported"] and row["install_rate"] == 80.0 and row["measured"] == {}
    with pytest.raises(ValidationError):
        services.usage_report_submit(
            actor=officer,
            organization=tf.syt,
            period_start=TODAY() + datetime.timedelta(days=8),
            staff_count=1,
            staff_with_app=1,
            checkpoints_registered=0,
            scans_in_period=0,
        )


def test_measured_sources_feed_the_summary(tf):
    from taskforce.selectors import MEASURED_SOURCES, register_measured_source

    def checkpoints(start, end):
        return {tf.syt.pk: {"checkpoints_with_scans": 4}}

    register_measured_source(checkpoints)
    try:
        row = next(
            r for r in selectors.adoption_summary(TODAY())["rows"] if r["organization_id"] == tf.syt.pk
        )
        assert row["measured"] == {"checkpoints_with_scans": 4} and not row["reported"]
    finally:
        MEASURED_SOURCES.remove(checkpoints)


def test_weekly_series_creates_meetings_inviting_active_members(tf):
    series = services.meeting_series_create(
        actor=SYSTEM,
        title="Giao ban",
        weekday=0,
        start_time=datetime.time(8),
        starts_on=datetime.date(2021, 8, 11),
        ends_on=datetime.date(2021, 9, 1),
    )
    meetings = list(series.meetings.order_by("starts_at"))
    assert [timezone.localtime(m.starts_at).date() for m in meetings] == [
        datetime.date(2021, 8, 16),
        datetime.date(2021, 8, 23),
        datetime.date(2021, 8, 30),
    ]
    assert timezone.localtime(meetings[0].starts_at).hour == 8
    assert all(m.attendances.count() == 3 and m.chair == tf.leader for m in meetings)
    assert Member.objects.count() == 3


@override_settings(STALLED_MESSAGE_SECONDS=300)
def test_invitations_whose_broker_was_down_are_sent_by_the_sweep_once(tf, django_capture_on_commit_callbacks):
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    mail.outbox.clear()
    with (
        mock.patch("celery.app.task.Task.delay", side_effect=BrokerDown("refused")),  # every task
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = services.meeting_invitations_send(actor=SYSTEM, meeting=tf.meeting)  # stored, not raised
    queued = OutboundMessage.objects.filter(purpose="meeting.invitation")
    assert mail.outbox == [] and queued.count() == len(sent) == 3
    assert all(m.status == OutboundMessage.Status.QUEUED for m in queued)
    first, second = sweeps_after(300, django_capture_on_commit_callbacks)
    assert sorted(first["message"]) == sorted(m.pk for m in queued) and second == {}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Member.objects.filter(pk__in=sent).values_list("email", flat=True)
    )
