"""Adoption of the COVID software: the standing agency's overview (who has not reported)
and the agencies' weekly report form."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.roles import user_can
from taskforce import selectors, services
from taskforce.capabilities import TaskforceCap
from taskforce.forms import UsageReportForm
from taskforce.views._common import capability_required, run_service
from taskforce.views.home import parse_day


@require_GET
@capability_required(TaskforceCap.ADOPTION_VIEW)
def adoption(request: HttpRequest) -> HttpResponse:
    today = selectors.today()
    # By default the last complete week: agencies report a week once it is over.
    day = parse_day(request.GET.get("period"), today - datetime.timedelta(days=7))
    summary = selectors.adoption_summary(day)
    previous = summary["period_start"] - datetime.timedelta(days=7)
    return render(
        request,
        "taskforce/adoption.html",
        {
            "summary": summary,
            "by_platform": selectors.platform_adoption(summary["period_start"]),
            "previous": previous,
            "next": summary["period_end"] + datetime.timedelta(days=1),
            "has_next": summary["period_end"] < today,
            "platforms": selectors.platforms_visible_to(request.user).filter(is_active=True),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.ADOPTION_REPORT)
def report_submit(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_reporting_for(request.user)
    form = UsageReportForm(
        request.POST or None,
        organizations=organizations,
        platforms=selectors.platforms_visible_to(request.user).filter(is_active=True),
        initial={"organization": organizations.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = run_service(
            form,
            lambda: services.usage_report_submit(
                actor=request.user,
                organization=data["organization"],
                period_start=data["period_start"],
                staff_count=data["staff_count"],
                staff_with_app=data["staff_with_app"],
                checkpoints_registered=data["checkpoints_registered"],
                scans_in_period=data["scans_in_period"],
                problems=data["problems"],
                platforms=data["platforms"],
            ),
        )
        if report is not None:
            messages.success(
                request,
                _("Đã gửi báo cáo tuần %(start)s – %(end)s.")
                % {"start": f"{report.period_start:%d/%m/%Y}", "end": f"{report.period_end:%d/%m/%Y}"},
            )
            return redirect("taskforce:report-submit")
    recent = selectors.usage_reports_visible_to(request.user).filter(organization__in=organizations)[:10]
    return render(
        request,
        "taskforce/report_form.html",
        {
            "form": form,
            "recent": recent,
            "can_view_adoption": user_can(request.user, TaskforceCap.ADOPTION_VIEW),
        },
        status=400 if request.method == "POST" else 200,
    )
