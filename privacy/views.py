"""Pages of the data-protection officer: the monthly access reports (page, CSV and Excel) and
people's requests about their data (record, readable page and JSON file, answer, deletion)."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_read
from core.decorators import capability_required
from core.models import Person
from core.services import name_key
from privacy import selectors, services
from privacy.capabilities import PrivacyCap
from privacy.forms import MonthForm, SubjectRequestForm
from privacy.models import AccessReport, SubjectRequest

report_reader = capability_required(PrivacyCap.ACCESS_REPORT)
request_handler = capability_required(PrivacyCap.SUBJECT_REQUESTS)


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else str(exc)


# --- access reports -----------------------------------------------------------------------------


@report_reader
@require_http_methods(["GET", "POST"])
def access_reports(request: HttpRequest) -> HttpResponse:
    """The reports made so far; POST makes (or makes again) the report of a month now."""
    form = MonthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.access_report_generate(actor=request.user, month=form.cleaned_data["month"])
        except ValidationError as exc:
            form.add_error("month", _first_error(exc))
        else:
            return redirect("privacy:access-report", pk=report.pk)
    reports = selectors.access_reports_visible_to(request.user)
    return render(request, "privacy/access_reports.html", {"form": form, "reports": reports})


def _report(request: HttpRequest, pk: int) -> AccessReport:
    return get_object_or_404(selectors.access_reports_visible_to(request.user), pk=pk)


@report_reader
@require_GET
def access_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(request, "privacy/access_report.html", {"report": report})


OFFICIAL_HEADERS = ["Tài khoản", "Vai trò", "Lượt xem", "Số bản ghi", "Trung vị đồng nghiệp", "Cần xem xét"]
ROW_HEADERS = ["Tài khoản", "Loại dữ liệu", "Mục đích", "Lượt xem", "Số bản ghi"]
DETAIL_HEADERS = ["Thời điểm (UTC)", "Tài khoản", "Hành động", "Loại dữ liệu", "Mã bản ghi", "Mục đích"]


def _official_rows(report: AccessReport) -> list[list[Any]]:
    return [
        [
            o["username"],
            ", ".join(o["roles"]),
            o["reads"],
            o["records"],
            "; ".join(f"{role}: {median:g}" for role, median in o["peer_medians"].items()),
            "x" if o["flagged"] else "",
        ]
        for o in report.officials
    ]


def _purpose_rows(report: AccessReport) -> list[list[Any]]:
    return [[r["username"], r["target_type"], r["purpose"], r["reads"], r["records"]] for r in report.rows]


def _detail_lines(report: AccessReport) -> Iterator[str]:
    """The period's read rows one by one (streamed: a month may hold many)."""
    start, end = selectors.month_bounds(report.month)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(DETAIL_HEADERS)
    for row in selectors.access_read_details(start, end).iterator(chunk_size=2000):
        ids = row.target_ids or ([row.target_id] if row.target_id else [])
        username = row.actor.get_username() if row.actor else ""
        yield line([row.at.isoformat(), username, row.action, row.target_type, " ".join(ids), row.reason])


@report_reader
@require_GET
def access_report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """``csv`` / ``xlsx``: the officials and the purposes; ``detail.csv``... as ``chi-tiet``:
    every read row of the month."""
    report = _report(request, pk)
    name = f"truy-cap-du-lieu-{report.month:%Y-%m}"
    if fmt not in ("csv", "xlsx", "chi-tiet.csv"):
        raise Http404
    audit_read(
        actor=request.user,
        target=AccessReport,
        ids=[report.pk],
        purpose="privacy: xuất báo cáo truy cập",
        details={"format": fmt},
    )
    if fmt == "chi-tiet.csv":
        stream = StreamingHttpResponse(_detail_lines(report), content_type="text/csv; charset=utf-8")
        stream["Content-Disposition"] = f'attachment; filename="{name}-chi-tiet.csv"'
        return stream
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Can bo"
        sheet.append(OFFICIAL_HEADERS)
        for values in _official_rows(report):
            sheet.append(values)
        purposes = book.create_sheet("Muc dich")
        purposes.append(ROW_HEADERS)
        for values in _purpose_rows(report):
            purposes.append(values)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(OFFICIAL_HEADERS)
    writer.writerows(_official_rows(report))
    writer.writerow([])
    writer.writerow(ROW_HEADERS)
    writer.writerows(_purpose_rows(report))
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- people's requests ------------------------------------------------------------------------


def _find_person(request: HttpRequest, form: SubjectRequestForm) -> Person | None:
    c = form.cleaned_data
    people = list(selectors.person_for_request(request.user, id_number=c["id_number"], phone=c["phone"])[:20])
    if len(people) > 1:  # a shared family phone: the name given decides
        people = [p for p in people if p.name_key == name_key(c["subject_name"])]
    if len(people) > 1:
        form.add_error("id_number", _("Số điện thoại này thuộc nhiều người: vui lòng nhập số giấy tờ."))
        raise ValidationError("ambiguous")
    return people[0] if people else None


@request_handler
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> HttpResponse:
    """The requests recorded; POST records a new one (the person is looked up once)."""
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = _find_person(request, form)
            c = form.cleaned_data
            recorded = services.subject_request_record(
                actor=request.user,
                kind=c["kind"],
                person=person,
                subject_name=c["subject_name"],
                requester=c["requester"],
                requester_name=c["requester_name"],
                identity_check=c["identity_check"],
                identity_note=c["identity_note"],
            )
        except ValidationError as exc:
            if not form.errors:
                form.add_error(None, _first_error(exc))
        else:
            return redirect("privacy:request", pk=recorded.pk)
    rows = selectors.subject_requests_visible_to(request.user)
    return render(request, "privacy/requests.html", {"form": form, "rows": rows})


def _subject_request(request: HttpRequest, pk: int) -> SubjectRequest:
    return get_object_or_404(selectors.subject_requests_visible_to(request.user), pk=pk)


def _person_of(subject: SubjectRequest) -> Person | None:
    if subject.person_ref is None:
        return None
    return Person.objects.filter(pk=subject.person_ref, merged_into__isnull=True).first()


def _read(request: HttpRequest, subject: SubjectRequest, person: Person, kind: str) -> dict[str, Any]:
    data = selectors.person_data(person)
    audit_read(
        actor=request.user,
        target=Person,
        ids=[person.pk],
        purpose=f"privacy: yêu cầu #{subject.pk} ({subject.get_kind_display()})",
        details={"kind": kind, "request_id": subject.pk},
    )
    return data


@request_handler
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The readable page: everything held about the person, and for a deletion what would go and
    what must stay (and why)."""
    subject = _subject_request(request, pk)
    person = _person_of(subject)
    context: dict[str, Any] = {"subject": subject, "person": person}
    if person is not None:
        context["data"] = _read(request, subject, person, "privacy.request.page")
        if subject.kind == SubjectRequest.Kind.ERASURE and subject.status == SubjectRequest.Status.OPEN:
            context["plan"] = services.erasure_plan(person)
    return render(request, "privacy/request.html", context)


@request_handler
@require_GET
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The machine-readable copy (JSON, UTF-8), decrypted; every download is logged."""
    subject = _subject_request(request, pk)
    person = _person_of(subject)
    if person is None:
        raise Http404
    data = _read(request, subject, person, "privacy.request.export")
    body = json.dumps(
        {"request": subject.pk, "format": "portal-person-export/1", **data},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-yeu-cau-{subject.pk}.json"'
    return response


@request_handler
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject_request(request, pk)
    try:
        services.subject_request_answer(actor=request.user, request=subject)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, _("Đã ghi nhận: đã cung cấp dữ liệu cho người yêu cầu."))
    return redirect("privacy:request", pk=subject.pk)


@request_handler
@require_POST
def request_erase(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject_request(request, pk)
    try:
        services.subject_request_erase(actor=request.user, request=subject)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, _("Đã xóa dữ liệu được phép xóa; phần phải lưu giữ được ghi rõ lý do."))
    return redirect("privacy:request", pk=subject.pk)
