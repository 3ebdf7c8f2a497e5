"""Every write of the task force's records: ``<entity>_<action>(*, actor, ...)``, one
transaction, one audit row (``core.audit.audit``).

Rules (Decision 3019/QĐ-UBND, art. 3): the leader convenes meetings, assigns duties and
handles proposals; a deputy assigns only when the leader has delegated it (``may_assign``);
members update their own assignments and send proposals; the standing agency keeps the
records (members, meetings, minutes); the chairman reads and writes nothing. A ``core.actors.SystemActor``
is the system (tasks, demo data). Emails go through ``core.services.message_send``: a
service that writes to several people fans out through tasks, one message per task, so
every service still writes exactly one audit row.

The package splits by entity; callers import from ``taskforce.services``.
"""

from taskforce.services._common import can_assign, is_leader
from taskforce.services.adoption import PLATFORM_FIELDS, platform_save, usage_report_submit
from taskforce.services.assignments import (
    assignment_create,
    assignment_progress,
    assignment_reminder_send,
    assignments_mark_overdue,
    conclusion_assign,
    may_work_on,
    overdue_digest_send,
)
from taskforce.services.meetings import (
    AttendanceEntry,
    meeting_agenda_add,
    meeting_attendance_record,
    meeting_cancel,
    meeting_conclusion_add,
    meeting_invitation_deliver,
    meeting_invitations_send,
    meeting_minutes_record,
    meeting_schedule,
    meeting_series_create,
)
from taskforce.services.members import (
    MEMBER_FIELDS,
    decision_record,
    member_appoint,
    member_calendar_token_reset,
    member_delegate,
    member_end,
    member_roles_sync,
    member_update,
)
from taskforce.services.proposals import proposal_decide, proposal_submit

__all__ = [
    "MEMBER_FIELDS",
    "PLATFORM_FIELDS",
    "AttendanceEntry",
    "assignment_create",
    "assignment_progress",
    "assignment_reminder_send",
    "assignments_mark_overdue",
    "can_assign",
    "conclusion_assign",
    "decision_record",
    "is_leader",
    "may_work_on",
    "meeting_agenda_add",
    "meeting_attendance_record",
    "meeting_cancel",
    "meeting_conclusion_add",
    "meeting_invitation_deliver",
    "meeting_invitations_send",
    "meeting_minutes_record",
    "meeting_schedule",
    "meeting_series_create",
    "member_appoint",
    "member_calendar_token_reset",
    "member_delegate",
    "member_end",
    "member_roles_sync",
    "member_update",
    "overdue_digest_send",
    "platform_save",
    "proposal_decide",
    "proposal_submit",
    "usage_report_submit",
]
