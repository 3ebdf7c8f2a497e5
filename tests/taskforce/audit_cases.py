"""Audit cases of the taskforce services (collected by tests/core/test_audit.py), and the
check that every public function of the services package has one: the package splits by
entity, so the shared discovery (which reads ``taskforce.services`` itself) is repeated here
across its modules."""

import datetime
import importlib
import inspect
import pkgutil

from django.utils import timezone

from core.models import Organization
from core.roles import Role
from taskforce import services
from taskforce.models import Assignment, Meeting, Member, Platform
from tests.actors import SYSTEM
from tests.taskforce.factories import build

NOT_SERVICES = {
    "taskforce.services.can_assign",  # read: may this user give assignments
    "taskforce.services.is_leader",  # read
    "taskforce.services.may_work_on",  # read
}


def _tf(ctx, with_work=True):
    return build(ctx["province"], ctx["dong_son"], make_user=ctx["make_user"], with_work=with_work)


def _meeting(ctx):
    tf = _tf(ctx)
    return tf, tf.meeting


def _past_meeting(ctx):
    """Minutes are only recorded once a meeting has started."""
    tf = _tf(ctx)
    Meeting.objects.filter(pk=tf.meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    tf.meeting.refresh_from_db()
    return tf


def _overdue(ctx):
    tf = _tf(ctx)
    a = tf.assignment
    Assignment.objects.filter(pk=a.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    return tf, a


def _reminder(ctx):
    _unused, a = _overdue(ctx)
    services.assignments_mark_overdue(actor=SYSTEM)
    Assignment.objects.filter(pk=a.pk).update(last_reminded_on=None)
    return lambda: services.assignment_reminder_send(assignment_id=a.pk)


def _digest(ctx):
    _unused, a = _overdue(ctx)
    Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.OVERDUE)
    return lambda: services.overdue_digest_send()


def _leader_user(tf):
    return tf.users[Role.TASKFORCE_LEADER]


def _invitations_without_emails(ctx):
    # Members without an e-mail: the service's one row. Each e-mail queued adds the gateway's
    # own message.queue row (tests/taskforce/test_services.py counts both).
    tf = _tf(ctx)
    Member.objects.update(email="")
    return lambda: services.meeting_invitations_send(actor=SYSTEM, meeting=tf.meeting)


SERVICE_CASES = {
    "taskforce.services.decision_record": lambda ctx: (
        lambda: services.decision_record(actor=SYSTEM, title="QĐ")
    ),
    "taskforce.services.member_appoint": lambda ctx: (
        lambda tf, user: (
            lambda: services.member_appoint(
                actor=SYSTEM,
                decision=tf.decision,
                active_from=datetime.date(2021, 8, 10),
                full_name="Lê Xuân Lâm",
                organization=tf.sttt,
                position_title="Giám đốc",
                role="member",
                user=user,
            )
        )
    )(_tf(ctx, False), ctx["make_user"]()),
    "taskforce.services.member_update": lambda ctx: (
        lambda tf: lambda: services.member_update(actor=SYSTEM, member=tf.member, phone="0900")
    )(_tf(ctx, False)),
    "taskforce.services.member_end": lambda ctx: (
        lambda tf: lambda: services.member_end(actor=SYSTEM, member=tf.member, active_to=timezone.localdate())
    )(_tf(ctx, False)),
    "taskforce.services.member_delegate": lambda ctx: (
        lambda tf: lambda: services.member_delegate(actor=_leader_user(tf), member=tf.deputy, may_assign=True)
    )(_tf(ctx, False)),
    "taskforce.services.member_calendar_token_reset": lambda ctx: (
        lambda tf: lambda: services.member_calendar_token_reset(actor=tf.member.user, member=tf.member)
    )(_tf(ctx, False)),
    "taskforce.services.member_roles_sync": lambda ctx: (
        lambda tf: lambda: services.member_roles_sync(actor=SYSTEM)
    )(_tf(ctx, False)),
    "taskforce.services.meeting_schedule": lambda ctx: (
        lambda tf: (
            lambda: services.meeting_schedule(
                actor=_leader_user(tf),
                title="Họp",
                starts_at=timezone.now(),
                ends_at=timezone.now() + datetime.timedelta(hours=1),
                agenda=["A", "B"],
            )
        )
    )(_tf(ctx, False)),
    "taskforce.services.meeting_series_create": lambda ctx: (
        lambda tf: (
            lambda: services.meeting_series_create(
                actor=SYSTEM,
                title="Giao ban",
                weekday=0,
                start_time=datetime.time(8),
                starts_on=timezone.localdate(),
            )
        )
    )(_tf(ctx, False)),
    "taskforce.services.meeting_agenda_add": lambda ctx: (
        lambda tf: lambda: services.meeting_agenda_add(actor=SYSTEM, meeting=tf.meeting, title="X")
    )(_tf(ctx)),
    "taskforce.services.meeting_invitations_send": _invitations_without_emails,
    "taskforce.services.meeting_invitation_deliver": lambda ctx: (
        lambda tf: (
            lambda: services.meeting_invitation_deliver(meeting_id=tf.meeting.pk, member_id=tf.member.pk)
        )
    )(_tf(ctx)),
    "taskforce.services.meeting_attendance_record": lambda ctx: (
        lambda tf: (
            lambda: services.meeting_attendance_record(
                actor=SYSTEM,
                meeting=tf.meeting,
                entries=[services.AttendanceEntry(member_id=tf.member.pk, status="present")],
            )
        )
    )(_tf(ctx)),
    "taskforce.services.meeting_minutes_record": lambda ctx: (
        lambda tf: lambda: services.meeting_minutes_record(actor=SYSTEM, meeting=tf.meeting, minutes="x")
    )(_past_meeting(ctx)),
    "taskforce.services.meeting_cancel": lambda ctx: (
        lambda tf: lambda: services.meeting_cancel(actor=SYSTEM, meeting=tf.meeting, reason="x")
    )(_tf(ctx)),
    "taskforce.services.meeting_conclusion_add": lambda ctx: (
        lambda tf: lambda: services.meeting_conclusion_add(actor=SYSTEM, meeting=tf.meeting, text="x")
    )(_tf(ctx)),
    "taskforce.services.conclusion_assign": lambda ctx: (
        lambda tf: (
            lambda: services.conclusion_assign(
                actor=_leader_user(tf),
                conclusion=tf.conclusion,
                assignee_members=[tf.member, tf.deputy],
                due_on=timezone.localdate(),
            )
        )
    )(_tf(ctx)),
    "taskforce.services.assignment_create": lambda ctx: (
        lambda tf: (
            lambda: services.assignment_create(
                actor=_leader_user(tf), title="x", assignee_member=tf.member, due_on=timezone.localdate()
            )
        )
    )(_tf(ctx)),
    "taskforce.services.assignment_progress": lambda ctx: (
        lambda tf: (
            lambda: services.assignment_progress(
                actor=SYSTEM, assignment=tf.assignment, text="x", status="in_progress", progress=10
            )
        )
    )(_tf(ctx)),
    "taskforce.services.assignments_mark_overdue": lambda ctx: (
        lambda pair: lambda: services.assignments_mark_overdue(actor=SYSTEM)
    )(_overdue(ctx)),
    "taskforce.services.assignment_reminder_send": _reminder,
    "taskforce.services.overdue_digest_send": _digest,
    "taskforce.services.proposal_submit": lambda ctx: (
        lambda tf: lambda: services.proposal_submit(actor=tf.member.user, title="x", body="y")
    )(_tf(ctx)),
    "taskforce.services.proposal_decide": lambda ctx: (
        lambda tf: (
            lambda: services.proposal_decide(
                actor=_leader_user(tf), proposal=tf.proposal, status="accepted", response="ok"
            )
        )
    )(_tf(ctx)),
    "taskforce.services.platform_save": lambda ctx: (
        lambda: services.platform_save(
            actor=SYSTEM, code="x-app", name="X", scope="provincial", purpose="other"
        )
    ),
    "taskforce.services.usage_report_submit": lambda ctx: (
        lambda: services.usage_report_submit(
            actor=SYSTEM,
            organization=Organization.objects.create(name="Sở X", kind="department", unit=ctx["province"]),
            period_start=timezone.localdate(),
            staff_count=5,
            staff_with_app=3,
            checkpoints_registered=1,
            scans_in_period=9,
            platforms=Platform.objects.all()[:2],
        )
    ),
}


def test_every_service_of_the_package_has_an_audit_case():
    found = set()
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"taskforce.services.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if (
                func.__module__ == module.__name__
                and not name.startswith("_")
                and not info.name.startswith("_")
            ):
                found.add(f"taskforce.services.{name}")
    exported = {
        f"taskforce.services.{n}" for n in services.__all__ if inspect.isfunction(getattr(services, n))
    }
    assert found <= exported, f"not exported from taskforce.services: {sorted(found - exported)}"
    missing = exported - set(SERVICE_CASES) - NOT_SERVICES
    assert not missing, f"add audit cases: {sorted(missing)}"
    assert Member.objects.model is Member
