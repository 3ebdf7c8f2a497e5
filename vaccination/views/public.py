"""The public's pages: book a place in a session on a phone, see the booking.

The person is found or created without overwriting anyone's record from anonymous input
(``core.services.person_resolve_for_visitor``); the booking is the person's own (a Visitor).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from core.actors import Visitor
from core.masking import mask_name
from core.services import person_resolve_for_visitor
from declarations.forms import initial_from
from vaccination import selectors, services
from vaccination.forms import BookingForm

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
