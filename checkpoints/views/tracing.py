"""Contact tracing for epidemiologists: a case and its infectious period, or a checkpoint and a
time window. A purpose is required; every search and every export is logged (audit_read)."""

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from checkpoints import selectors
from checkpoints.capabilities import CheckpointCap
from checkpoints.forms import CheckpointTraceForm, TraceForm
from checkpoints.models import CheckIn
from core.audit import audit_read
from core.decorators import capability_required

tracer_required = capability_required(CheckpointCap.TRACE_CONTACTS)


def _run_case(request: HttpRequest, form: TraceForm) -> tuple[Any, list[Any], selectors.TraceResult | None]:
    """The case (or the candidates to choose from) and the result."""
    c = form.cleaned_data
    candidates = selectors.case_candidates(
        request.user, id_number=c.get("id_number", ""), phone=c.get("phone", "")
    )
    if c.get("person"):
        candidates = candidates.filter(pk=c["person"])
    people = list(candidates[:20])
    if len(people) != 1:
        return None, people, None
    case = people[0]
    result = selectors.trace_case(
        request.user, person_id=case.pk, start=c["start"], end=c["end"], min_overlap=c.get("min_overlap")
    )
    result.identities = selectors.identities_for(result.person_ids())
    return case, people, result


def _audit(
    request: HttpRequest, result: selectors.TraceResult, purpose: str, details: dict[str, Any]
) -> None:
    ids = [v["id"] for v in result.visits] + [c["id"] for c in result.contacts]
    audit_read(actor=request.user, target=CheckIn, ids=ids or ["none"], purpose=purpose, details=details)


@tracer_required
@require_GET
def trace(request: HttpRequest) -> HttpResponse:
    form = TraceForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "checkpoint_form": CheckpointTraceForm(user=request.user)}
    if request.GET and form.is_valid():
        case, people, result = _run_case(request, form)
        context.update({"case": case, "people": people, "result": result, "query": request.GET.urlencode()})
        if result is not None:
            _audit(request, result, form.cleaned_data["purpose"], _case_details(form, case, "search"))
        elif not people:
            context["not_found"] = True
    return render(request, "checkpoints/portal/trace.html", context)


def _case_details(form: TraceForm, case: Any, kind: str) -> dict[str, Any]:
    c = form.cleaned_data
    return {
        "kind": kind,
        "case_person_id": case.pk,
        "start": c["start"].isoformat(),
        "end": c["end"].isoformat(),
        "min_overlap": c.get("min_overlap"),
    }


@tracer_required
@require_GET
def trace_checkpoint(request: HttpRequest) -> HttpResponse:
    form = CheckpointTraceForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {"form": TraceForm(), "checkpoint_form": form}
    if request.GET and form.is_valid():
        c = form.cleaned_data
        result = selectors.trace_checkpoint(
            request.user, checkpoint=c["checkpoint"], start=c["start"], end=c["end"]
        )
        result.identities = selectors.identities_for(result.person_ids())
        _audit(request, result, c["purpose"], _window_details(form, "search"))
        context.update({"window": c, "result": result, "query": request.GET.urlencode()})
    return render(request, "checkpoints/portal/trace.html", context)


def _window_details(form: CheckpointTraceForm, kind: str) -> dict[str, Any]:
    c = form.cleaned_data
    return {
        "kind": kind,
        "checkpoint_id": c["checkpoint"].pk,
        "start": c["start"].isoformat(),
        "end": c["end"].isoformat(),
    }


HEADERS = [
    "Loại / Kind",
    "Họ và tên / Name",
    "Năm sinh / Birth year",
    "Số điện thoại / Phone",
    "Số giấy tờ / ID",
    "Điểm kiểm dịch / Checkpoint",
    "Vào / In",
    "Ra / Out",
    "Giờ ra xác định bằng / Check-out",
    "Ở cùng ca bệnh (phút) / Overlap (min)",
    "Cách ghi nhận / Method",
    "Khai báo / Declared",
]


def _rows(result: selectors.TraceResult) -> list[list[Any]]:
    def line(kind: str, row: dict[str, Any]) -> list[Any]:
        who = result.identities.get(row["person_id"], {})
        return [
            kind,
            who.get("full_name", row["person__full_name"]),
            who.get("birth_year", ""),
            who.get("phone", ""),
            who.get("id_number", ""),
            row["checkpoint__name"],
            timezone.localtime(row["checked_in_at"]).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(row["checked_out_at"]).strftime("%Y-%m-%d %H:%M"),
            str(CheckIn.Checkout(row["checkout_method"]).label),
            row.get("overlap_minutes", ""),
            str(CheckIn.Method(row["method"]).label),
            row["risk"],
        ]

    return [line(_("Ca bệnh"), v) for v in result.visits] + [line(_("Tiếp xúc"), c) for c in result.contacts]


def _export(rows: list[list[Any]], fmt: str, name: str) -> HttpResponse:
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Truy vet"
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(row)
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
    writer.writerow(HEADERS)
    writer.writerows(rows)
    # A byte-order mark so Excel opens the Vietnamese text as UTF-8.
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@tracer_required
@require_GET
def trace_export(request: HttpRequest) -> HttpResponse:
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if request.GET.get("checkpoint"):
        window = CheckpointTraceForm(request.GET, user=request.user)
        if not window.is_valid():
            return HttpResponse(_("Thiếu hoặc sai điều kiện truy vết."), status=400)
        c = window.cleaned_data
        result = selectors.trace_checkpoint(
            request.user, checkpoint=c["checkpoint"], start=c["start"], end=c["end"]
        )
        result.identities = selectors.identities_for(result.person_ids())
        _audit(request, result, c["purpose"], _window_details(window, f"export.{fmt}"))
        return _export(_rows(result), fmt, f"truy-vet-diem-{c['checkpoint'].pk}")
    form = TraceForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Thiếu hoặc sai điều kiện truy vết."), status=400)
    case, _people, case_result = _run_case(request, form)
    if case_result is None:
        return HttpResponse(_("Chưa xác định được ca bệnh."), status=400)
    _audit(request, case_result, form.cleaned_data["purpose"], _case_details(form, case, f"export.{fmt}"))
    return _export(_rows(case_result), fmt, f"truy-vet-ca-{case.pk}")
