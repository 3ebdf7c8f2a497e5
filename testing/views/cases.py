"""Cases (F0) and the outbreak loop: trace from the case (purpose logged), mark F1s, notify."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from checkpoints import selectors as checkpoint_selectors
from checkpoints.capabilities import CheckpointCap
from core.audit import audit_read
from core.decorators import capability_required
from core.masking import mask_name
from core.roles import user_can
from testing import selectors, services
from testing.capabilities import TestingCap
from testing.forms import TraceForm
from testing.models import Case, Contact


@capability_required(TestingCap.CASES, TestingCap.VIEW)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.cases_visible_to(request.user)[:300])
    full = user_can(request.user, TestingCap.CASES)
    if full and cases:
        audit_read(actor=request.user, target=Case, ids=[c.pk for c in cases], purpose="testing.case_list")
    rows = [{"case": c, "name": c.person.full_name if full else mask_name(c.person.full_name)} for c in cases]
    return render(request, "testing/portal/cases.html", {"rows": rows, "full": full})


def _trace(request: HttpRequest, case: Case, purpose: str) -> list[dict[str, Any]]:
    """The case's co-present visitors (checkpoints' tracing), one row per person, read logged."""
    start, end = services.trace_window(case)
    result = checkpoint_selectors.trace_case(request.user, person_id=case.person_id, start=start, end=end)
    people: dict[int, dict[str, Any]] = {}
    for row in result.contacts:
        people.setdefault(row["person_id"], {"person_id": row["person_id"], "visits": []})["visits"].append(
            row
        )
    identities = checkpoint_selectors.identities_for(list(people))
    for pid, row in people.items():
        row["name"] = row["visits"][0]["person__full_name"]
        row["phone"] = identities.get(pid, {}).get("phone", "")
        row["place"] = row["visits"][0]["checkpoint__name"]
        row["at"] = row["visits"][0]["checked_in_at"]
    ids = [v["id"] for v in result.visits] + [c["id"] for c in result.contacts]
    from checkpoints.models import CheckIn

    audit_read(
        actor=request.user, target=CheckIn, ids=ids or ["none"], purpose=purpose, details={"case_id": case.pk}
    )
    return list(people.values())


@capability_required(TestingCap.CASES)
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.access_case(request.user, pk)
    audit_read(actor=request.user, target=case, ids=[case.pk], purpose="testing.case_detail")
    form = TraceForm(request.POST if request.POST.get("action") == "trace" else None)
    context: dict[str, Any] = {
        "case": case,
        "form": form,
        "contacts": selectors.contacts_of(case),
        "campaigns": selectors.campaigns_visible_to(request.user),
        "can_trace": user_can(request.user, CheckpointCap.TRACE_CONTACTS),
    }
    if request.method == "POST" and request.POST.get("action") == "mark":
        return _mark(request, case)
    if form.is_bound and form.is_valid() and context["can_trace"]:
        context["traced"] = _trace(request, case, form.cleaned_data["purpose"])
        context["purpose"] = form.cleaned_data["purpose"]
    return render(request, "testing/portal/case.html", context)


def _mark(request: HttpRequest, case: Case) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("person") if v.isdigit()]
    campaign_id = request.POST.get("campaign", "")
    campaign = selectors.access_campaign(request.user, int(campaign_id)) if campaign_id.isdigit() else None
    try:
        contacts = services.contacts_mark(
            actor=request.user,
            case=case,
            person_ids=ids,
            purpose=request.POST.get("purpose", ""),
            campaign=campaign,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("testing:case", pk=case.pk)
    notified = 0
    for contact in Contact.objects.filter(pk__in=[c.pk for c in contacts]).select_related("case"):
        try:
            services.contact_notify(actor=request.user, contact=contact)
            notified += 1
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
    messages.success(
        request,
        _("Đã xác định %(n)d F1, đã gửi tin nhắn cho %(k)d người.") % {"n": len(contacts), "k": notified},
    )
    return redirect("testing:case", pk=case.pk)
