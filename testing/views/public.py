"""The citizen's result look-up (issue point 8): specimen code plus the phone or the birth date
on record. A wrong code and a wrong phone get the same answer; attempts are limited per code
and per address, failing closed (a look-up that cannot be counted is not answered)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.actors import Visitor
from core.masking import mask_name
from testing import selectors, services

LOOKUP = ratelimit.Limit("trx", window=3600, fail_open=False)
NOT_FOUND = "not_found"


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
            context.update({"sample": sample, "result": result, "name": mask_name(sample.person.full_name)})
            if result is not None and request.POST.get("send") and sample.person.phone:
                services.result_send(actor=Visitor("result_lookup"), sample=sample)
                context["sent"] = _(
                    "Đã gửi kết quả bằng tin nhắn tới số điện thoại đã khai (đuôi %(end)s)."
                ) % {"end": sample.person.phone[-3:]}
    response = render(request, "testing/lookup.html", context)
    response["Cache-Control"] = "no-store"
    return response
