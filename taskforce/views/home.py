"""The task force's home page and the members' calendar feed."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.bounds import parse_query_date
from core.roles import user_can
from taskforce import ical, selectors, services
from taskforce.capabilities import TaskforceCap
from taskforce.views._common import capability_required


@require_GET
@capability_required(TaskforceCap.TASKFORCE_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    """Members by role (as of ``?on=``), upcoming meetings, my and overdue assignments, open proposals."""
    today = selectors.today()
    on = parse_query_date(request.GET.get("on", "") or "") or today
    seat = selectors.seat_of(request.user)
    context = {
        "on": on,
        "is_today": on == today,
        "members_by_role": selectors.members_by_role(request.user, on),
        "decisions": list(selectors.decisions_visible_to(request.user)[:5]),
        "upcoming": selectors.upcoming_meetings(request.user),
        "my_assignments": list(selectors.my_assignments(request.user)[:20]),
        "overdue": list(selectors.overdue_assignments(request.user)[:20]),
        "open_proposals": list(selectors.open_proposals(request.user)[:20]),
        "seat": seat,
        "calendar_url": (
            request.build_absolute_uri(
                reverse("taskforce:calendar-feed", kwargs={"token": seat.calendar_token})
            )
            if seat
            else ""
        ),
        "can_view_adoption": user_can(request.user, TaskforceCap.ADOPTION_VIEW),
    }
    return render(request, "taskforce/home.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 5545 feed of a member's meetings; the secret URL is the credential (revocable)."""
    member = selectors.member_by_calendar_token(token)
    meetings = selectors.meetings_for_member(member)
    body = ical.calendar(meetings, name=_("Lịch họp Tổ công nghệ"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
@capability_required(TaskforceCap.TASKFORCE_VIEW)
def calendar_reset(request: HttpRequest) -> HttpResponse:
    seat = selectors.seat_of(request.user)
    if seat is None:
        raise PermissionDenied(_("Bạn không phải thành viên Tổ đang hoạt động."))
    services.member_calendar_token_reset(actor=request.user, member=seat)
    messages.success(request, _("Đã cấp địa chỉ lịch mới; địa chỉ cũ không còn dùng được."))
    return redirect("taskforce:home")


def parse_day(value: str | None, default: datetime.date) -> datetime.date:
    return parse_query_date(value) or default
