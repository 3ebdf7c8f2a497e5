"""Pages of the reports app: archive, ad-hoc request with progress, downloads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import capability_required
from core.files import protected_file_response
from core.roles import user_can
from reports import selectors, services
from reports.capabilities import ReportCap
from reports.forms import AdhocReportForm
from reports.models import Report


@capability_required(ReportCap.VIEW_REPORTS)
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/archive.html",
        {
            "groups": selectors.report_archive(request.user),
            "can_request": user_can(request.user, ReportCap.REQUEST_REPORTS),
            # The leader and the secretariat are told when the weekly report reaches nobody.
            "no_recipients": user_can(request.user, ReportCap.REQUEST_REPORTS)
            and selectors.active_recipient_count() == 0,
            "can_manage_recipients": user_can(request.user, ReportCap.MANAGE_REPORT_RECIPIENTS),
        },
    )


@capability_required(ReportCap.REQUEST_REPORTS)
@require_http_methods(["GET", "POST"])
def request_report(request: HttpRequest) -> HttpResponse:
    form = AdhocReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(
                actor=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                unit_ids=[u.pk for u in form.cleaned_data["units"]],
                sections=form.cleaned_data["sections"],
                instruction=form.cleaned_data["instruction"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã yêu cầu tạo báo cáo. Trang sẽ tự cập nhật khi báo cáo sẵn sàng."))
            return redirect("reports:detail", report_id=report.pk)
    return render(request, "reports/request.html", {"form": form})


@capability_required(ReportCap.VIEW_REPORTS)
@require_GET
def detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report_by_id(request.user, report_id)
    pending = report.status in (Report.Status.QUEUED, Report.Status.RUNNING)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "pending": pending,
            "can_request": user_can(request.user, ReportCap.REQUEST_REPORTS),
        },
    )


@capability_required(ReportCap.VIEW_REPORTS)
@require_GET
def download(request: HttpRequest, report_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    report = selectors.access_report_by_id(request.user, report_id)
    file = report.pdf if fmt == "pdf" else report.xlsx
    if report.status != Report.Status.DONE or not file:
        raise PermissionDenied
    name = f"{report.number.replace('/', '-')}-v{report.version}.{fmt}"
    return protected_file_response(file, filename=name)


@capability_required(ReportCap.REQUEST_REPORTS)
@require_POST
def regenerate(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report_by_id(request.user, report_id)
    new = services.report_regenerate(actor=request.user, report=report)
    messages.success(request, _("Đang tạo phiên bản mới; phiên bản cũ vẫn được lưu."))
    return redirect("reports:detail", report_id=new.pk)
