"""The citizen's result look-up (issue point 8): specimen code plus the phone or the birth date
on record. A wrong code and a wrong phone get the same answer; attempts are limited per code
and per address, failing closed (a look-up that cannot be counted is not answered)."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certificates.pdf import certificate_pdf
from core import ratelimit
from core.actors import Visitor
from core.citizen_check import CitizenCheckView, citizen_verified
from core.masking import mask_name
from core.models import Person
from testing import selectors, services

LOOKUP = ratelimit.Limit("trx", window=3600, fail_open=False)
NOT_FOUND = "not_found"
CERTIFICATE_PURPOSE = "testing.certificate"
# The samples this browser proved (code and phone or birth date) ride in a signed cookie, not
# the session: a look-up writes nothing to the database (docs/testing.md, "Result look-up").
LOOKED_UP_COOKIE = "trx_seen"
LOOKED_UP_SALT = "testing.looked-up"
LOOKED_UP_KEEP = 10


def _looked_up_pks(request: HttpRequest) -> list[int]:
    raw = request.COOKIES.get(LOOKED_UP_COOKIE)
    if not raw:
        return []
    try:
        data = signing.loads(raw, salt=LOOKED_UP_SALT, max_age=settings.TESTING_LOOKED_UP_HOURS * 3600)
    except signing.BadSignature:  # not ours, tampered or expired
        return []
    return [pk for pk in data if type(pk) is int] if isinstance(data, list) else []


def _remember_looked_up(request: HttpRequest, response: HttpResponse, sample_pk: int) -> None:
    looked = [pk for pk in _looked_up_pks(request) if pk != sample_pk][-(LOOKED_UP_KEEP - 1) :]
    response.set_cookie(
        LOOKED_UP_COOKIE,
        signing.dumps([*looked, sample_pk], salt=LOOKED_UP_SALT),
        max_age=settings.TESTING_LOOKED_UP_HOURS * 3600,
        path="/xet-nghiem/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _looked_up(request: HttpRequest, code: str) -> Any:
    """The sample this browser looked up with ``code`` (404 otherwise: no enumeration here)."""
    sample = selectors.sample_by_code(code)
    if sample is None or sample.pk not in _looked_up_pks(request):
        raise Http404
    return sample


class CertificateCheck(CitizenCheckView):
    """The one-time code to the phone on record before the certificate (core's citizen check)."""

    purpose = CERTIFICATE_PURPOSE
    channel = "result_certificate"

    def get_person(self) -> Person:
        return _looked_up(self.request, self.kwargs["code"]).person

    def get_success_url(self) -> str:
        return reverse("testing:certificate", kwargs={"code": self.kwargs["code"]})


@require_GET
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF with the signed ``HC1:`` test certificate, after the citizen check."""
    sample = _looked_up(request, code)
    if not citizen_verified(request, sample.person, CERTIFICATE_PURPOSE):
        return redirect("testing:certificate-check", code=sample.code)
    try:
        issued = services.result_certificate(actor=Visitor("result_certificate"), sample=sample)
    except ValidationError as exc:
        return render(
            request, "testing/lookup.html", {"form": None, "error": " ".join(exc.messages)}, status=409
        )
    response = HttpResponse(certificate_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{sample.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def lookup_allowed(request: HttpRequest, code: str) -> bool:
    return ratelimit.allow(
        LOOKUP,
        [
            (("code", code.strip().upper()[:40]), settings.TESTING_LOOKUP_PER_CODE),
            (("ip", ratelimit.client_ip(request)), settings.TESTING_LOOKUP_PER_IP),
        ],
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    from testing.forms import LookupForm

    form = LookupForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            allowed = lookup_allowed(request, c["code"])
        except ratelimit.LimiterUnavailable:
            response = render(request, "testing/lookup.html", {**context, "unavailable": True}, status=503)
            response["Retry-After"] = "60"
            return response
        if not allowed:
            context["error"] = _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau một giờ.")
            return render(request, "testing/lookup.html", context, status=429)
        sample = selectors.sample_for_citizen(code=c["code"], phone=c["phone"], birth_date=c["birth_date"])
        if sample is None:
            context["error"] = _(
                "Không tìm thấy kết quả khớp với mã mẫu và thông tin đã nhập. Vui lòng kiểm tra lại."
            )
        else:
            result = selectors.result_of(sample)
            has_phone = bool(sample.person.phone_hash)
            context.update(
                {
                    "sample": sample,
                    "result": result,
                    "name": mask_name(sample.person.full_name),
                    "has_phone": has_phone,
                }
            )
            if result is not None and request.POST.get("send") and has_phone:
                services.result_send(actor=Visitor("result_lookup"), sample=sample)
                context["sent"] = _(
                    "Đã gửi kết quả bằng tin nhắn tới số điện thoại đã khai (đuôi %(end)s)."
                ) % {"end": sample.person.phone[-3:]}
    response = render(request, "testing/lookup.html", context)
    response["Cache-Control"] = "no-store"
    if "sample" in context:
        # This browser proved the code and the phone or birth date: the certificate's citizen
        # check may follow for this sample (and only this one).
        _remember_looked_up(request, response, context["sample"].pk)
    return response
