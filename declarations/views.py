"""The public standalone declaration (domestic travel)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.actors import public_actor
from declarations import intake
from declarations.forms import TravelDeclarationForm, initial_from, notice_text


@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    form = TravelDeclarationForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and "refresh" in request.POST:
        form = TravelDeclarationForm(initial=initial_from(request.POST))
    elif request.method == "POST" and form.is_valid():
        if not ratelimit.allow_declaration(request):
            status = 429
            error = _(
                "Bạn gửi khai báo quá nhanh. Vui lòng đợi một phút rồi bấm gửi lại; "
                "thông tin đã nhập vẫn còn."
            )
        else:
            try:
                declaration = intake.visitor_declare(
                    actor=public_actor(request.user, "declaration_page"), data=form.declaration_data()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(request, "declarations/done.html", {"declaration": declaration})
    response = render(
        request,
        "declarations/declare.html",
        {"form": form, "notice": notice_text(), "error": error},
        status=status,
    )
    ratelimit.set_device_cookie(request, response)
    return response
