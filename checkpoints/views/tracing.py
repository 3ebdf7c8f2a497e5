"""Contact tracing for epidemiologists: a case and its infectious period, or a checkpoint and a
time window. A purpose is required; every search and every export is logged (audit_read).
Searches are POSTed and kept server-side under an opaque id (``trace_search``): no personal
identifier or purpose reaches a URL."""

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from checkpoints import selectors
from checkpoints.capabilities import CheckpointCap
from checkpoints.forms import CheckpointTraceForm, TraceForm
from checkpoints.models import CheckIn
from core import searches as trace_search
from core.audit import audit_read
from core.decorators import capability_required
from core.models import Person

tracer_required = capability_required(CheckpointCap.TRACE_CONTACTS)


def _found(request: HttpRequest, search: dict[str, Any]) -> list[Any]:
    """The people a stored case search found (the chosen one when a candidate was picked)."""
    people = list(selectors.case_candidates_by_ids(request.user, ids=search["candidates"]))
    if search.get("person") is not None:
        people = [p for p in people if p.pk == search["person"]]
    return people


def _run_case(
    request: HttpRequest, search: dict[str, Any]
) -> tuple[Any, list[Any], selectors.TraceResult | None]:
    """The case (or the candidates to choose from) and the result."""
    people = _found(request, search)
    if len(people) != 1:
        return None, people, None
    case = people[0]
    result = selectors.trace_case(
        request.user,
        person_id=case.pk,
        start=trace_search.when(search["start"]),
        end=trace_search.when(search["end"]),
        min_overlap=search.get("min_overlap"),
    )
    result.identities = selectors.identities_for(result.person_ids())
    return case, people, result


def _audit(
    request: HttpRequest, result: selectors.TraceResult, purpose: str, details: dict[str, Any]
) -> None:
    ids = [v["id"] for v in result.visits] + [c["id"] for c in result.contacts]
    audit_read(actor=request.user, target=CheckIn, ids=ids or ["none"], purpose=purpose, details=details)


def _store_case(request: HttpRequest, form: TraceForm) -> str:
    """Looks the case up once (by hashed ID or phone) and keeps only the people found."""
    c = form.cleaned_data
    found = selectors.case_candidates(
        request.user, id_number=c.get("id_number", ""), phone=c.get("phone", "")
    )
    return trace_search.store(
        request,
        "case",
        {
            "candidates": list(found.values_list("pk", flat=True)[:20]),
            "person": None,
            "start": c["start"].isoformat(),
            "end": c["end"].isoformat(),
            "min_overlap": c.get("min_overlap"),
            "purpose": c["purpose"],
        },
    )


def _pick(request: HttpRequest) -> HttpResponse:
    """The official chose one of several candidates (POST: the choice stays out of the URL)."""
    token = request.POST.get("s", "")
    search = trace_search.load(request, token, "case")
    person = request.POST.get("person", "")
    if search is None or not person.isdigit() or int(person) not in search["candidates"]:
        return redirect("checkpoints:trace")
    trace_search.update(request, token, person=int(person))
    return redirect(f"{reverse('checkpoints:trace')}?s={token}")


@tracer_required
@require_http_methods(["GET", "POST"])
def trace(request: HttpRequest) -> HttpResponse:
    """POST a search (stored, then redirected to its opaque id); GET shows a stored search.
    Search terms in the query string (``?id_number=``) are ignored."""
    if request.method == "POST" and "s" in request.POST:
        return _pick(request)
    form = TraceForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return redirect(f"{reverse('checkpoints:trace')}?s={_store_case(request, form)}")
    context: dict[str, Any] = {"form": form, "checkpoint_form": CheckpointTraceForm(user=request.user)}
    token = request.GET.get("s", "")
    search = trace_search.load(request, token, "case") if not form.is_bound else None
    if search is not None:
        case, people, result = _run_case(request, search)
        context.update({"case": case, "people": people, "result": result, "search_id": token})
        if result is not None:
            _audit(request, result, search["purpose"], _case_details(search, case, "search"))
        elif people:
            _audit_candidates(request, people, search)
        else:
            context["not_found"] = True
    return render(request, "checkpoints/portal/trace.html", context)


def _audit_candidates(request: HttpRequest, people: list[Any], search: dict[str, Any]) -> None:
    """The candidates' names are personal data read too: logged with the search's purpose."""
    audit_read(
        actor=request.user,
        target=Person,
        ids=[p.pk for p in people],
        purpose=search["purpose"],
        details={"kind": "tracing.candidates", "start": search["start"], "end": search["end"]},
    )


def _case_details(search: dict[str, Any], case: Any, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "case_person_id": case.pk,
        "start": search["start"],
        "end": search["end"],
        "min_overlap": search.get("min_overlap"),
    }


def _run_window(request: HttpRequest, search: dict[str, Any]) -> tuple[Any, selectors.TraceResult] | None:
    checkpoint = selectors.tracing_scope(request.user).filter(pk=search["checkpoint"]).first()
    if checkpoint is None:
        return None
    result = selectors.trace_checkpoint(
        request.user,
        checkpoint=checkpoint,
        start=trace_search.when(search["start"]),
        end=trace_search.when(search["end"]),
    )
    result.identities = selectors.identities_for(result.person_ids())
    return checkpoint, result


@tracer_required
@require_http_methods(["GET", "POST"])
def trace_checkpoint(request: HttpRequest) -> HttpResponse:
    form = CheckpointTraceForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        token = trace_search.store(
            request,
            "window",
            {
                "checkpoint": c["checkpoint"].pk,
                "start": c["start"].isoformat(),
                "end": c["end"].isoformat(),
                "purpose": c["purpose"],
            },
        )
        return redirect(f"{reverse('checkpoints:trace-checkpoint')}?s={token}")
    context: dict[str, Any] = {"form": TraceForm(), "checkpoint_form": form}
    token = request.GET.get("s", "")
    search = trace_search.load(request, token, "window") if not form.is_bound else None
    ran = _run_window(request, search) if search is not None else None
    if search is not None and ran is not None:
        checkpoint, result = ran
        _audit(request, result, search["purpose"], _window_details(search, "search"))
        window = {"checkpoint": checkpoint, "start": search["start"], "end": search["end"]}
        context.update({"window": window, "result": result, "search_id": token})
    return render(request, "checkpoints/portal/trace.html", context)


def _window_details(search: dict[str, Any], kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "checkpoint_id": search["checkpoint"],
        "start": search["start"],
        "end": search["end"],
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
    """Exports a stored search (``?s=<search id>``); nothing personal is read from the URL."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    search = trace_search.load(request, request.GET.get("s", ""))
    if search is None:
        return HttpResponse(_("Thiếu hoặc sai điều kiện truy vết."), status=400)
    if search["kind"] == "window":
        ran = _run_window(request, search)
        if ran is None:
            return HttpResponse(_("Thiếu hoặc sai điều kiện truy vết."), status=400)
        checkpoint, result = ran
        _audit(request, result, search["purpose"], _window_details(search, f"export.{fmt}"))
        return _export(_rows(result), fmt, f"truy-vet-diem-{checkpoint.pk}")
    case, _people, case_result = _run_case(request, search)
    if case_result is None:
        return HttpResponse(_("Chưa xác định được ca bệnh."), status=400)
    _audit(request, case_result, search["purpose"], _case_details(search, case, f"export.{fmt}"))
    return _export(_rows(case_result), fmt, f"truy-vet-ca-{case.pk}")
