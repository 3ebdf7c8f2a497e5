"""The lab's work list and its actions: receive in bulk, reject, pool, pool results, results."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.decorators import capability_required
from testing import selectors, services
from testing.capabilities import TestingCap
from testing.forms import CodesForm, PoolForm, PoolResultForm, RejectForm, ResultsForm
from testing.models import SamplePool

OUTCOME_WORDS = services.OUTCOME_WORDS


def parse_lines(text: str, verified_by: str) -> list[services.ResultRow]:
    """``code; result; Ct`` per line; an unreadable result or Ct is kept as given so the service
    names its line."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(",", ";").replace("\t", ";").split(";")]
        ct: Decimal | None = None
        if len(parts) > 2 and parts[2]:
            try:
                ct = Decimal(parts[2])
            except InvalidOperation:
                ct = Decimal(-1)  # refused with its line number
        outcome = OUTCOME_WORDS.get(parts[1].lower(), parts[1]) if len(parts) > 1 else ""
        rows.append(services.ResultRow(code=parts[0], outcome=outcome, verified_by=verified_by, ct_value=ct))
    return rows


def _pool_form(lab: Any, data: Any = None) -> PoolResultForm:
    form = PoolResultForm(data, prefix="pr")
    form.fields["pool"].choices = [  # type: ignore[attr-defined]
        (p.pk, p.code) for p in SamplePool.objects.filter(lab=lab, outcome="")
    ]
    return form


def _act(request: HttpRequest, lab: Any, action: str) -> tuple[Any, str]:
    """Runs one action; returns (the bound form on error, or None, and the success text)."""
    user = request.user
    if action == "receive":
        form: Any = CodesForm(request.POST, prefix="rc")
        if form.is_valid():
            done = services.samples_receive(actor=user, lab=lab, codes=form.code_list())
            return None, _("Đã nhận %(n)d mẫu.") % {"n": len(done)}
    elif action == "reject":
        form = RejectForm(request.POST, prefix="rj")
        if form.is_valid():
            sample = selectors.samples_by_codes(user, [form.cleaned_data["code"].strip().upper()])
            if not sample:
                raise ValidationError(_("Không có mẫu mã %(code)s.") % {"code": form.cleaned_data["code"]})
            services.sample_reject(
                actor=user, sample=next(iter(sample.values())), reason=form.cleaned_data["reason"]
            )
            return None, _("Đã từ chối mẫu; điểm lấy mẫu sẽ lấy lại.")
    elif action == "pool":
        form = PoolForm(request.POST, prefix="pl")
        if form.is_valid():
            pool = services.pool_create(
                actor=user, lab=lab, code=form.cleaned_data["pool_code"], codes=form.code_list()
            )
            return None, _("Đã tạo mẫu gộp %(code)s.") % {"code": pool.code}
    elif action == "pool_result":
        form = _pool_form(lab, request.POST)
        if form.is_valid():
            c = form.cleaned_data
            services.pool_result_enter(
                actor=user,
                pool=selectors.access_pool(user, c["pool"]),
                outcome=c["outcome"],
                ct_value=c["ct_value"],
                verified_by=c["verified_by"],
            )
            return None, _("Đã nhập kết quả mẫu gộp.")
    else:
        form = ResultsForm(request.POST, prefix="rs")
        if form.is_valid():
            rows = parse_lines(form.cleaned_data["lines"], form.cleaned_data["verified_by"])
            ids = services.results_enter(actor=user, lab=lab, rows=rows)
            return None, _("Đã nhập %(n)d kết quả.") % {"n": len(ids)}
    return form, ""


@capability_required(TestingCap.LAB)
@require_http_methods(["GET", "POST"])
def lab_work(request: HttpRequest, pk: int) -> HttpResponse:
    lab = selectors.access_lab(request.user, pk)
    forms: dict[str, Any] = {
        "receive": CodesForm(prefix="rc"),
        "reject": RejectForm(prefix="rj"),
        "pool": PoolForm(prefix="pl"),
        "pool_result": _pool_form(lab),
        "results": ResultsForm(prefix="rs"),
    }
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        action = action if action in forms else "results"
        try:
            bound, text = _act(request, lab, action)
        except ValidationError as exc:
            bound, text, error = None, "", " ".join(exc.messages)
            forms[action] = _rebind(request, lab, action)
        if text:
            messages.success(request, text)
            return redirect("testing:lab", pk=lab.pk)
        if bound is not None:
            forms[action] = bound
    context = {"lab": lab, "forms": forms, "error": error, **selectors.lab_work_list(request.user, lab)}
    return render(request, "testing/portal/lab.html", context, status=400 if error else 200)


def _rebind(request: HttpRequest, lab: Any, action: str) -> Any:
    """What was typed stays after a refusal."""
    prefixes = {
        "receive": (CodesForm, "rc"),
        "reject": (RejectForm, "rj"),
        "pool": (PoolForm, "pl"),
        "results": (ResultsForm, "rs"),
    }
    if action == "pool_result":
        return _pool_form(lab, request.POST)
    cls, prefix = prefixes[action]
    return cls(request.POST, prefix=prefix)
