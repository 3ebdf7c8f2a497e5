"""The task force's pages for officials (under /taskforce/, in the portal shell)."""

from taskforce.views.adoption import adoption, report_submit
from taskforce.views.home import calendar_feed, calendar_reset, home
from taskforce.views.meetings import conclusion_assign, meeting_detail, meeting_list
from taskforce.views.work import (
    assignment_detail,
    assignment_list,
    decision_document,
    proposal_detail,
    proposal_list,
    update_attachment,
)

__all__ = [
    "adoption",
    "assignment_detail",
    "assignment_list",
    "calendar_feed",
    "calendar_reset",
    "conclusion_assign",
    "decision_document",
    "home",
    "meeting_detail",
    "meeting_list",
    "proposal_detail",
    "proposal_list",
    "report_submit",
    "update_attachment",
]
