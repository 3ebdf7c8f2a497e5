"""Home (campaign progress, sites, labs), set-up, collection on a phone, labels, statistics."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from checkpoints.qrpayload import QrPayloadError
from core import selectors as core_selectors
from core.audit import audit_read
from core.decorators import capability_required
from core.masking import mask_name
from core.roles import user_can
from testing import intake, labels, selectors, services
from testing.capabilities import TestingCap
from testing.forms import CampaignForm, CollectForm, LabForm, SiteForm, unit_choices
from testing.models import SampleType, SamplingTask, TestKind

ANY = selectors.ANY_TESTING


def _tasks(user: Any) -> list[dict[str, Any]]:
    """People to (re-)sample: names for those who sample or trace them (the read logged), masked
    for everyone else (they need the numbers, not the people)."""
    tasks = list(selectors.tasks_visible_to(user)[:100])
    full = user_can(user, TestingCap.COLLECT) or user_can(user, TestingCap.CASES)
    if full and tasks:
        audit_read(actor=user, target=SamplingTask, ids=[t.pk for t in tasks], purpose="testing.tasks")
    return [{"task": t, "name": t.person.full_name if full else mask_name(t.person.full_name)} for t in tasks]


@capability_required(*ANY)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "progress": selectors.campaign_progress(user),
        "sites": selectors.sites_visible_to(user),
        "labs": selectors.labs_visible_to(user),
        "tasks": _tasks(user),
        "can_manage": user_can(user, TestingCap.MANAGE),
        "can_collect": user_can(user, TestingCap.COLLECT),
        "can_lab": user_can(user, TestingCap.LAB),
        "can_cases": user_can(user, TestingCap.CASES),
    }
    return render(request, "testing/portal/home.html", context)


def _units(request: HttpRequest) -> Any:
    return core_selectors.filter_by_unit_scope(core_selectors.unit_list(), request.user, field="id")


FORMS = {"site": SiteForm, "lab": LabForm, "campaign": CampaignForm}


def _setup_forms(request: HttpRequest, bound: str = "", data: Any = None) -> dict[str, Any]:
    units = unit_choices(_units(request).order_by("level", "name")[:2000])
    forms = {}
    for kind, cls in FORMS.items():
        form = cls(data if kind == bound else None, prefix=kind)
        form.fields["unit"].choices = units  # type: ignore[attr-defined]
        forms[kind] = form
    return forms


@capability_required(TestingCap.MANAGE)
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    forms = _setup_forms(request, kind, request.POST if request.method == "POST" else None)
    if request.method == "POST" and kind in forms and forms[kind].is_valid():
        data = dict(forms[kind].cleaned_data)
        data["unit"] = _units(request).get(pk=data["unit"])
        create: dict[str, Any] = {
            "site": services.site_create,
            "lab": services.lab_create,
            "campaign": services.campaign_create,
        }
        try:
            create[kind](actor=request.user, **data)
        except ValidationError as exc:
            forms[kind].add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("testing:setup")
    return render(request, "testing/portal/setup.html", {"forms": forms})


def _collect_form(request: HttpRequest, site: Any, data: Any = None) -> CollectForm:
    campaigns = [
        (c.pk, c.name)
        for c in selectors.campaigns_visible_to(request.user).filter(
            starts_on__lte=timezone.localdate(), ends_on__gte=timezone.localdate()
        )
    ]
    # The last choices at this site stay (a team samples the same way all morning).
    last = request.session.get(f"testing-collect-{site.pk}", {})
    initial = {
        "sample_type": last.get("sample_type", SampleType.NASOPHARYNGEAL),
        "test_kind": last.get("test_kind", TestKind.RT_PCR),
        "campaign": last.get("campaign"),
    }
    return CollectForm(data, campaigns=campaigns, initial=initial)


@capability_required(TestingCap.COLLECT)
@require_http_methods(["GET", "POST"])
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """Phone-sized: scan the ID card (scanner or camera), scan the tube, Enter."""
    site = selectors.access_site(request.user, pk)
    form = _collect_form(request, site, request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"site": site, "form": form}
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        campaign = selectors.access_campaign(request.user, c["campaign"]) if c["campaign"] else None
        try:
            person = intake.person_from(
                payload=c["payload"],
                full_name=c["full_name"],
                birth_date=c["birth_date"],
                sex=c["sex"],
                id_number=c["id_number"],
                phone=c["phone"],
            )
            if not person.id_number and not person.phone:
                raise ValidationError(
                    _("Vui lòng quét mã CCCD/QR cá nhân, hoặc nhập số giấy tờ hay số điện thoại.")
                )
            if not c["code"].strip():
                # The ID card came first (camera, or a scanner without JavaScript): say who it is
                # and wait for the tube, keeping what was scanned.
                context["recognised"] = mask_name(person.full_name)
                return render(request, "testing/portal/collect.html", context)
            sample, created = intake.collect(
                actor=request.user,
                site=site,
                person=person,
                code=c["code"],
                sample_type=c["sample_type"],
                test_kind=c["test_kind"],
                campaign=campaign,
            )
        except (QrPayloadError, ValidationError) as exc:
            context["error"] = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return render(request, "testing/portal/collect.html", context, status=200)
        request.session[f"testing-collect-{site.pk}"] = {
            "sample_type": c["sample_type"],
            "test_kind": c["test_kind"],
            "campaign": c["campaign"],
        }
        text = _("Đã lấy mẫu %(code)s: %(name)s") % {
            "code": sample.code,
            "name": mask_name(sample.person.full_name),
        }
        if created:
            text += " " + _("(người mới)")
        messages.success(request, text)
        request.session["testing-last-sample"] = sample.pk
        return redirect("testing:collect", pk=site.pk)
    context["last"] = (
        selectors.samples_visible_to(request.user)
        .filter(pk=request.session.get("testing-last-sample", 0))
        .first()
    )
    return render(request, "testing/portal/collect.html", context)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@capability_required(TestingCap.COLLECT, TestingCap.LAB)
@require_GET
def label(request: HttpRequest, pk: int) -> HttpResponse:
    sample = selectors.samples_visible_to(request.user).filter(pk=pk).first()
    if sample is None:
        raise Http404
    return _pdf(labels.labels_pdf([sample]), f"nhan-{sample.code}.pdf")


@capability_required(TestingCap.COLLECT, TestingCap.LAB)
@require_GET
def label_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 sheet of today's labels at a site."""
    site = selectors.access_site(request.user, pk)
    today = (
        selectors.samples_visible_to(request.user)
        .filter(site=site, collected_at__date=timezone.localdate())
        .order_by("collected_at")[:200]
    )
    return _pdf(labels.labels_pdf(list(today), sheet=True), f"nhan-{site.pk}.pdf")


@capability_required(*ANY)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "testing/portal/statistics.html",
        {"rows": selectors.positivity_by_unit_and_day(request.user)},
    )
