"""Staff pages: sites with their stock and sessions, a session's bookings, the screening and
dose page, the dose with its observation and certificate. Staff see full names (they vaccinate
the person); each page listing people leaves a read row in the audit log."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_read
from core.decorators import capability_required
from core.models import Person
from core.roles import user_can
from vaccination import selectors, services
from vaccination.capabilities import VaccinationCap
from vaccination.forms import (
    AefiForm,
    CloseForm,
    DecisionForm,
    ReceiveForm,
    SessionForm,
    VaccinateForm,
    WasteForm,
)
from vaccination.models import Appointment, CorrectionRequest, Dose, Lot


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@capability_required(VaccinationCap.VIEW)
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    sites = selectors.sites_visible_to(request.user).annotate(dose_count=Count("doses"))[:500]
    can_register = user_can(request.user, VaccinationCap.RUN_SESSIONS)
    return render(request, "vaccination/portal/sites.html", {"sites": sites, "can_register": can_register})


@capability_required(VaccinationCap.VIEW)
@require_http_methods(["GET", "POST"])
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.access_site(request.user, pk)
    user = request.user
    receive = ReceiveForm(prefix="r")
    waste = WasteForm(prefix="w", site=site)
    session_form = SessionForm(prefix="s")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "receive" and user_can(user, VaccinationCap.MANAGE_STOCK):
                receive = ReceiveForm(request.POST, prefix="r")
                if receive.is_valid():
                    services.stock_receive(actor=user, site=site, **receive.cleaned_data)
                    messages.success(request, _("Đã nhập kho."))
                    return redirect("vaccination:site", pk=site.pk)
            elif action == "waste" and user_can(user, VaccinationCap.MANAGE_STOCK):
                waste = WasteForm(request.POST, prefix="w", site=site)
                if waste.is_valid():
                    services.stock_waste(actor=user, site=site, **waste.cleaned_data)
                    messages.success(request, _("Đã ghi nhận hủy vắc xin."))
                    return redirect("vaccination:site", pk=site.pk)
            elif action == "session" and user_can(user, VaccinationCap.RUN_SESSIONS):
                session_form = SessionForm(request.POST, prefix="s")
                if session_form.is_valid():
                    session = services.session_create(actor=user, site=site, **session_form.cleaned_data)
                    messages.success(request, _("Đã tạo buổi tiêm."))
                    return redirect("vaccination:session", pk=session.pk)
            else:
                return HttpResponse(status=403)
        except ValidationError as exc:
            _fail(request, exc)
    return render(
        request,
        "vaccination/portal/site.html",
        {
            "site": site,
            "stock": selectors.stock_at(site),
            "movements": selectors.movements_at(site)[:30],
            "sessions": site.sessions.select_related("vaccine").order_by("-date")[:30],
            "receive": receive if user_can(user, VaccinationCap.MANAGE_STOCK) else None,
            "waste": waste if user_can(user, VaccinationCap.MANAGE_STOCK) else None,
            "session_form": session_form if user_can(user, VaccinationCap.RUN_SESSIONS) else None,
        },
    )


def _lots_used(session: Any) -> list[Lot]:
    return list(Lot.objects.filter(doses__session=session).select_related("vaccine").distinct())


@capability_required(VaccinationCap.VIEW)
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.access_session(request.user, pk)
    lots = _lots_used(session)
    close = CloseForm(request.POST or None, lots=lots)
    if request.method == "POST":
        if not user_can(request.user, VaccinationCap.RUN_SESSIONS):
            return HttpResponse(status=403)
        if close.is_valid():
            try:
                services.session_close(actor=request.user, session=session, opened_vials=close.opened_vials())
            except ValidationError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("Đã kết thúc buổi tiêm."))
                return redirect("vaccination:session", pk=session.pk)
    appointments = list(selectors.appointments_of_session(session).order_by("person__full_name", "id")[:1000])
    audit_read(
        actor=request.user,
        target=Person,
        ids=[a.person_id for a in appointments],
        purpose="vaccination.session",
        details={"session_id": session.pk},
    )
    return render(
        request,
        "vaccination/portal/session.html",
        {
            "session": session,
            "appointments": appointments,
            "close": close if user_can(request.user, VaccinationCap.RUN_SESSIONS) else None,
            "can_administer": user_can(request.user, VaccinationCap.ADMINISTER),
        },
    )


@capability_required(VaccinationCap.ADMINISTER)
@require_http_methods(["GET", "POST"])
def vaccinate(request: HttpRequest, pk: int, appointment: int) -> HttpResponse:
    """The screening checklist, then the dose (refused doses keep what was typed)."""
    session = selectors.access_session(request.user, pk)
    booking = get_object_or_404(Appointment.objects.select_related("person"), pk=appointment, session=session)
    person = booking.person
    previous = list(selectors.doses_of(person.pk))
    initial = {"dose_number": len(previous) + 1, "observation_minutes": 30}
    form = VaccinateForm(request.POST or None, session=session, initial=initial)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_record(
                actor=request.user,
                person=person,
                site=session.site,
                positive=form.positive(),
                note=form.cleaned_data["note"],
            )
            outcome = screening
            if screening.allows_vaccination:
                dose = services.dose_record(
                    actor=request.user,
                    person=person,
                    site=session.site,
                    lot=form.cleaned_data["lot"],
                    dose_number=form.cleaned_data["dose_number"],
                    screening=screening,
                    session=session,
                    observation_minutes=form.cleaned_data["observation_minutes"],
                )
                messages.success(request, _("Đã ghi nhận mũi tiêm."))
                return redirect("vaccination:dose", pk=dose.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    audit_read(actor=request.user, target=person, ids=[person.pk], purpose="vaccination.vaccinate")
    return render(
        request,
        "vaccination/portal/vaccinate.html",
        {"session": session, "person": person, "previous": previous, "form": form, "screening": outcome},
    )


@capability_required(VaccinationCap.VIEW)
@require_GET
def dose_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dose = selectors.access_dose(request.user, pk)
    audit_read(actor=request.user, target=dose.person, ids=[dose.person_id], purpose="vaccination.dose")
    return render(
        request,
        "vaccination/portal/dose.html",
        {
            "dose": dose,
            "can_administer": user_can(request.user, VaccinationCap.ADMINISTER),
            "aefi_form": AefiForm(),
            "events": dose.adverse_events.all(),
        },
    )


@capability_required(VaccinationCap.ADMINISTER)
@require_POST
def dose_observation_end(request: HttpRequest, pk: int) -> HttpResponse:
    dose = selectors.access_dose(request.user, pk)
    try:
        services.observation_end(actor=request.user, dose=dose)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Đã ghi nhận kết thúc theo dõi sau tiêm."))
    return redirect("vaccination:dose", pk=dose.pk)


@capability_required(VaccinationCap.ADMINISTER)
@require_POST
def dose_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    dose: Dose = selectors.access_dose(request.user, pk)
    current = dose.certificate
    if current is not None and current.revoked_at is None:
        return redirect("certificates:pdf", pk=current.pk)  # downloaded again, not signed again
    try:
        certificate = services.dose_certificate_issue(actor=request.user, dose=dose)
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("vaccination:dose", pk=dose.pk)
    return redirect("certificates:pdf", pk=certificate.pk)


@capability_required(VaccinationCap.ADMINISTER)
@require_POST
def aefi_report(request: HttpRequest, pk: int) -> HttpResponse:
    dose = selectors.access_dose(request.user, pk)
    form = AefiForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("vaccination:dose", pk=dose.pk)
    try:
        event = services.aefi_report(actor=request.user, dose=dose, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Đã ghi nhận phản ứng nghiêm trọng; đã cảnh báo UBND và Sở Y tế.")
            if event.is_serious
            else _("Đã ghi nhận phản ứng sau tiêm."),
        )
    return redirect("vaccination:dose", pk=dose.pk)


@capability_required(VaccinationCap.VIEW)
@require_GET
def aefi_list(request: HttpRequest) -> HttpResponse:
    events = selectors.aefi_visible_to(request.user)
    lots = Lot.objects.filter(doses__adverse_events__in=events).distinct()
    return render(
        request,
        "vaccination/portal/aefi.html",
        {"lots": selectors.lot_aefi_counts(lots=lots), "events": events[:100]},
    )


@capability_required(VaccinationCap.VIEW)
@require_GET
def correction_list(request: HttpRequest) -> HttpResponse:
    pending = list(
        selectors.corrections_visible_to(request.user).filter(status=CorrectionRequest.Status.PENDING)[:200]
    )
    audit_read(
        actor=request.user,
        target=Person,
        ids=[c.person_id for c in pending],
        purpose="vaccination.corrections",
    )
    return render(
        request,
        "vaccination/portal/corrections.html",
        {
            "backlog": selectors.correction_backlog_per_site(request.user),
            "pending": pending,
            "can_decide": user_can(request.user, VaccinationCap.ADMINISTER),
        },
    )


@capability_required(VaccinationCap.ADMINISTER)
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    correction = get_object_or_404(selectors.corrections_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.correction_decide(
                actor=request.user,
                request=correction,
                apply=form.cleaned_data["apply"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Đã xử lý đề nghị đính chính."))
    return redirect("vaccination:corrections")


@capability_required(VaccinationCap.VIEW)
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage per reporting unit from the roll-up (province-wide figures: no personal data)."""
    return render(request, "vaccination/portal/coverage.html", {"rows": selectors.coverage()})
