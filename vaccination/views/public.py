"""The public's pages: book a place in a session on a phone, see the booking.

The person is found or created without overwriting anyone's record from anonymous input
(``core.services.person_resolve_for_visitor``); the booking is the person's own (a Visitor).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates.pdf import certificate_pdf
from core import ratelimit
from core.actors import Visitor
from core.citizen_check import CitizenCheckView, citizen_verified
from core.masking import mask_name
from core.models import Person
from core.services import person_resolve_for_visitor
from declarations.forms import initial_from
from vaccination import selectors, services
from vaccination.forms import BookingForm, PersonAefiForm, PersonCorrectionForm

# Bookings per device and per address each minute (a family books a few; a script many).
BOOKING = ratelimit.Limit("vbook", window=60, fail_open=True)
PER_DEVICE, PER_IP = 6, 600


def _allowed(request: HttpRequest) -> bool:
    return ratelimit.allow(
        BOOKING,
        [((ratelimit.device_key(request),), PER_DEVICE), (("ip", ratelimit.client_ip(request)), PER_IP)],
    )


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    form = BookingForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and "refresh" in request.POST:
        form = BookingForm(initial=initial_from(request.POST))
    elif request.method == "POST" and form.is_valid():
        if not _allowed(request):
            status = 429
            error = _("Bạn gửi quá nhanh. Vui lòng đợi một phút rồi bấm gửi lại; thông tin đã nhập vẫn còn.")
        else:
            try:
                person, _created = person_resolve_for_visitor(data=form.person_data())
                appointment = services.appointment_book(
                    actor=Visitor("vaccination_booking"),
                    session=form.cleaned_data["session"],
                    person=person,
                    priority_group=form.cleaned_data.get("priority_group"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("vaccination:booked", code=appointment.code)
    response = render(request, "vaccination/book.html", {"form": form, "error": error}, status=status)
    ratelimit.set_device_cookie(request, response)
    return response


@require_GET
def booked(request: HttpRequest, code: str) -> HttpResponse:
    """The booking by its code (what the SMS carries): where and when, the name masked."""
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        raise Http404
    return render(
        request,
        "vaccination/booked.html",
        {"appointment": appointment, "name": mask_name(appointment.person.full_name)},
    )


# --- The person's own record, after the citizen check (docs/security.md) --------------------

PURPOSE = "vaccination.record"


def _appointment_or_404(code: str) -> Any:
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        raise Http404
    return appointment


class RecordCheck(CitizenCheckView):
    """The booking code finds the person; a code sent to their phone proves it is them."""

    purpose = PURPOSE
    channel = "vaccination_record"

    def get_person(self) -> Person:
        return _appointment_or_404(self.kwargs["code"]).person

    def get_success_url(self) -> str:
        return reverse("vaccination:record", kwargs={"code": self.kwargs["code"]})


def _verified(request: HttpRequest, code: str) -> tuple[Any, HttpResponse | None]:
    appointment = _appointment_or_404(code)
    if not citizen_verified(request, appointment.person, PURPOSE):
        return appointment, redirect("vaccination:record-check", code=code)
    return appointment, None


@require_GET
def record(request: HttpRequest, code: str) -> HttpResponse:
    """The person's doses, next due date, certificate and booking (change or cancel)."""
    appointment, go_check = _verified(request, code)
    if go_check:
        return go_check
    doses = list(selectors.doses_of(appointment.person_id).select_related("certificate"))
    latest = doses[-1] if doses else None
    certificate = latest.certificate if latest and latest.certificate else None
    return render(
        request,
        "vaccination/record.html",
        {
            "appointment": appointment,
            "doses": doses,
            "latest": latest,
            "certificate": certificate if certificate and certificate.revoked_at is None else None,
            "correction_form": PersonCorrectionForm(person_id=appointment.person_id),
            "aefi_form": PersonAefiForm(person_id=appointment.person_id),
        },
    )


@require_POST
def record_cancel(request: HttpRequest, code: str) -> HttpResponse:
    appointment, go_check = _verified(request, code)
    if go_check:
        return go_check
    try:
        services.appointment_cancel(actor=Visitor("vaccination_record"), appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã hủy lịch hẹn; chỗ đã được trả lại cho buổi tiêm."))
    return redirect("vaccination:record", code=code)


@require_GET
def record_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate of the latest dose, downloaded again (never signed again here)."""
    appointment, go_check = _verified(request, code)
    if go_check:
        return go_check
    latest = selectors.doses_of(appointment.person_id).select_related("certificate").last()
    certificate = latest.certificate if latest else None
    if certificate is None or certificate.revoked_at is not None:
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="chung-nhan-tiem-chung.pdf"'
    return response


@require_POST
def record_correction(request: HttpRequest, code: str) -> HttpResponse:
    """The person asks to correct their record; staff of the site verify (``correction_decide``)."""
    appointment, go_check = _verified(request, code)
    if go_check:
        return go_check
    form = PersonCorrectionForm(request.POST, person_id=appointment.person_id)
    if form.is_valid():
        c = form.cleaned_data
        dose = c.get("dose")
        try:
            services.correction_request(
                actor=Visitor("vaccination_record"),
                person=appointment.person,
                site=c.get("site") or (dose.site if dose else appointment.session.site),
                kind=c["kind"],
                dose=dose,
                lot=c["lot"],
                administered_on=c.get("administered_on"),
                note=c.get("note", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị đính chính; điểm tiêm sẽ xác minh."))
            return redirect("vaccination:record", code=code)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("vaccination:record", code=code)


@require_POST
def record_aefi(request: HttpRequest, code: str) -> HttpResponse:
    """The person reports a reaction after their dose (a serious one alerts at once)."""
    appointment, go_check = _verified(request, code)
    if go_check:
        return go_check
    form = PersonAefiForm(request.POST, person_id=appointment.person_id)
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.aefi_report(
                actor=Visitor("vaccination_record"),
                dose=c["dose"],
                onset_at=c["onset_at"],
                symptoms=c["symptoms"],
                seriousness=c["seriousness"],
                outcome=c["outcome"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã gửi báo cáo phản ứng sau tiêm."))
            return redirect("vaccination:record", code=code)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("vaccination:record", code=code)
