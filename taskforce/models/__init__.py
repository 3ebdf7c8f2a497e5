"""The task force's records: founding decisions and members, meetings, assignments and
proposals, and the agencies' adoption of the COVID software."""

from taskforce.models.adoption import Platform, UsageReport
from taskforce.models.meetings import AgendaItem, Attendance, Conclusion, Meeting, MeetingSeries
from taskforce.models.members import Decision, Member
from taskforce.models.work import Assignment, AssignmentUpdate, Proposal

__all__ = [
    "AgendaItem",
    "Assignment",
    "AssignmentUpdate",
    "Attendance",
    "Conclusion",
    "Decision",
    "Meeting",
    "MeetingSeries",
    "Member",
    "Platform",
    "Proposal",
    "UsageReport",
]
