"""Celery tasks of the task force: the daily overdue check and the emails it fans out.

Each task takes ids, calls one service and is idempotent (the overdue job queues each
reminder itself, at most once a day per assignment; an invitation task re-run sends the
invitation again, which is what "send invitations" asked for).
"""

from celery import shared_task

from core.actors import SystemActor
from core.recovery import run_daily


@shared_task(name="taskforce.tasks.mark_overdue_assignments")
def mark_overdue_assignments() -> list[int]:
    """Beat, daily at 07:00: marks overdue assignments and queues the reminders of each
    assignee and the leader's digest as messages, all in one transaction with today's run
    (``core.recovery.run_daily``): a worker killed before the end leaves nothing done and the
    sweep runs the job again; a finished run's messages are delivered by the gateway (and
    resent by the sweep if their delivery never started). Safe to run twice a day: nobody is
    reminded twice."""
    from taskforce import selectors
    from taskforce.services import assignment_reminder_send, assignments_mark_overdue, overdue_digest_send

    def work() -> list[int]:
        day = selectors.today()
        marked = assignments_mark_overdue(actor=SystemActor("celery:mark_overdue_assignments"), on=day)
        to_remind = list(selectors.assignments_to_remind(day).values_list("pk", flat=True))
        for pk in to_remind:
            assignment_reminder_send(assignment_id=pk, on=day)
        if to_remind:
            overdue_digest_send(on=day)
        return marked

    return run_daily("taskforce.overdue", work)


@shared_task(name="taskforce.tasks.sync_member_roles")
def sync_member_roles() -> dict[str, list[str]]:
    """Beat, daily just after midnight: seats that start or end today change their accounts'
    task-force roles today."""
    from taskforce.services import member_roles_sync

    return member_roles_sync(actor=SystemActor("celery:sync_member_roles"))


@shared_task(name="taskforce.tasks.send_meeting_invitation")
def send_meeting_invitation(meeting_id: int, member_id: int) -> None:
    from taskforce.services import meeting_invitation_deliver

    meeting_invitation_deliver(meeting_id=meeting_id, member_id=member_id)
